using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Cdn;
using Backstage.Web.Cluster;
using Backstage.Web.Comments;
using Backstage.Web.Data;
using Backstage.Web.Email;
using Backstage.Web.Galleries;
using Backstage.Web.Hosting;
using Backstage.Web.Jobs;
using Backstage.Web.Newsletter;
using Backstage.Web.Privacy;
using Backstage.Web.Ingest;
using Backstage.Web.Reader;
using Backstage.Web.Seeding;
using Backstage.Web.Shows;
using Backstage.Web.Social;
using Backstage.Web.Storage;

// "migrate" and "admin create …" are operator commands; everything else starts the site.
var command = OperatorCommands.IsCommand(args) ? args : null;
var builder = WebApplication.CreateBuilder(command is null ? args : []);
try
{
    await builder.AddBackstageDataAsync();
    builder.AddBackstageAccounts();
    builder.AddBackstageArticles();
    builder.AddBackstageSeeding();
    builder.AddBackstageShows();
    builder.AddBackstageComments();
    builder.AddBackstageStorage();
    builder.AddBackstageJobs();
    builder.AddBackstageEmail();
    builder.AddBackstageGalleries();
    builder.AddBackstageIngest();
    builder.AddBackstageWeb();
    builder.AddBackstageReader();
    builder.AddBackstageCluster();
    builder.AddBackstageNewsletter();
    builder.AddBackstageSocial();
    builder.AddBackstagePrivacy();
    builder.AddBackstageCdn();
    if (command is null) builder.AddBackstagePublicOrigin();
}
catch (StartupException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

var app = builder.Build();
if (command is not null)
    return await OperatorCommands.RunAsync(app.Services, command, Console.In, Console.Out, Console.Error);

await app.PrepareDatabaseAsync();
app.UseBackstageWeb();
app.MapMedia();
app.MapIngest();
app.MapReader();
app.MapNewsletter();
await app.RunAsync();
return 0;

public partial class Program;
