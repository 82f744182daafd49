# Multi-stage build: the SDK image compiles, the slim ASP.NET runtime image runs.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json Backstage.sln ./
COPY src/Backstage.Web/Backstage.Web.csproj src/Backstage.Web/
COPY src/Backstage.Media/Backstage.Media.csproj src/Backstage.Media/
# linux-x64 only: Magick.NET (HEIC) and libvips ship native libraries for many platforms; the image needs one.
RUN dotnet restore src/Backstage.Web/Backstage.Web.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Backstage.Web/Backstage.Web.csproj -c Release -r linux-x64 --self-contained false -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Media (originals, renditions) lives on a volume; the database is the postgres service.
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Backstage__DataDirectory=/data \
    MALLOC_ARENA_MAX=2
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "Backstage.Web.dll"]
