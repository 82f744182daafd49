using AngleSharp.Html.Dom;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

/// <summary>Issue 18: the contact sheet's handlers, through HTTP as the no-JS forms and the JS sheet post them.</summary>
public sealed class ContactSheetTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    /// <summary>Photo rows straight in the database (no files: the sheet only reads rows), in order, ready, with rights.</summary>
    private async Task<(Shows.Show Show, FormClient Editor, List<Photo> Photos)> SheetAsync(string designer, int count, bool gate = false)
    {
        var show = await factory.CreateShowAsync(designer);
        await factory.WithDbAsync(async db =>
        {
            for (int i = 1; i <= count; i++)
                db.Add(new Photo
                {
                    ShowId = show.Id, Position = i, Sha256 = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), OriginalFileName = $"IMG_{i:0000}.jpg",
                    Width = 640, Height = 480, Format = "jpeg", Status = PhotoStatus.Ready, RightsCategory = RightsCategory.Staff,
                    AltText = gate ? $"Backstage moment {i}" : null, Credit = gate ? "Camille Martin" : null,
                });
            await db.SaveChangesAsync();
        });
        return (show, await factory.ClientAsync(Roles.Editor), await factory.PhotosAsync(show.Id));
    }

    private static Task<HttpResponseMessage> PostJsonAsync(FormClient client, string url, IHtmlDocument page, params (string, string)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
                .Append(new("__RequestVerificationToken", Token(page)))),
        };
        request.Headers.Accept.ParseAdd("application/json");
        return client.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_save_writes_only_the_fields_the_editor_changed_so_two_editors_on_different_fields_keep_both()
    {
        var (show, alice, photos) = await SheetAsync("Dior", 2);
        var bob = await factory.ClientAsync(Roles.Editor);
        var alicePage = await alice.GetDocumentAsync(GalleryUrl(show.Id));
        var bobPage = await bob.GetDocumentAsync(GalleryUrl(show.Id));
        var id = photos[0].Id;
        // Both loaded the photo empty; Alice writes the caption, then Bob the credit (from his stale page).
        Assert.Equal(HttpStatusCode.Redirect, (await SavePhotoAsync(alice, show.Id, id, alicePage, ("Caption", "", "Final touches"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SavePhotoAsync(bob, show.Id, id, bobPage, ("Credit", "", "Camille Martin"))).StatusCode);
        var saved = (await factory.PhotosAsync(show.Id))[0];
        Assert.Equal("Final touches", saved.Caption);
        Assert.Equal("Camille Martin", saved.Credit);
        Assert.Null((await factory.PhotosAsync(show.Id))[1].Caption); // the other photo was not touched
    }

    [Fact]
    public async Task The_same_field_changed_by_two_editors_is_a_conflict_that_keeps_theirs_and_what_was_typed_and_saving_again_replaces_it()
    {
        var (show, alice, photos) = await SheetAsync("Chanel", 1);
        var bob = await factory.ClientAsync(Roles.Editor);
        var bobPage = await bob.GetDocumentAsync(GalleryUrl(show.Id));
        var id = photos[0].Id;
        await SavePhotoAsync(alice, show.Id, id, await alice.GetDocumentAsync(GalleryUrl(show.Id)), ("Caption", "", "Alice's caption"));

        // The JS sheet: 409 with theirs and yours.
        var json = await PostJsonAsync(bob, $"{GalleryUrl(show.Id)}?handler=savePhoto&photo={id}", bobPage,
            ("Inspector.Caption", "Bob's caption"), ("Inspector.OriginalCaption", ""), ("Inspector.Credit", "Bob Credit"), ("Inspector.OriginalCredit", ""));
        Assert.Equal(HttpStatusCode.Conflict, json.StatusCode);
        var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        var conflict = Assert.Single(body.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("Caption", conflict.GetProperty("field").GetString());
        Assert.Equal("Alice's caption", conflict.GetProperty("theirs").GetString());
        Assert.Equal("Bob's caption", conflict.GetProperty("yours").GetString());
        Assert.Contains("Caption of photo 1 was changed by someone else while you typed (now “Alice's caption”)", body.GetProperty("message").GetString());
        var saved = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal("Alice's caption", saved.Caption);
        Assert.Equal("Bob Credit", saved.Credit); // the field without a conflict was saved

        // The no-JS form: the page comes back with Bob's text in the field and Alice's as the new original.
        var html = await SavePhotoAsync(bob, show.Id, id, bobPage, ("Caption", "", "Bob's caption"));
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        var page = FormClient.Parse(await html.Content.ReadAsStringAsync());
        Assert.Contains("was changed by someone else", page.QuerySelector(".validation-summary, [role=alert], .errors")!.TextContent);
        Assert.Equal("Bob's caption", page.QuerySelector("textarea[name='Inspector.Caption']")!.TextContent);
        Assert.Equal("Alice's caption", page.QuerySelector("input[name='Inspector.OriginalCaption']")!.GetAttribute("value"));
        // Saving that form again replaces Alice's caption: Bob has now seen it.
        Assert.Equal(HttpStatusCode.Redirect, (await SavePhotoAsync(bob, show.Id, id, page, ("Caption", "Alice's caption", "Bob's caption"))).StatusCode);
        Assert.Equal("Bob's caption", Assert.Single(await factory.PhotosAsync(show.Id)).Caption);
    }

    [Fact]
    public async Task A_too_long_field_is_refused_naming_the_field_and_keeping_what_was_typed()
    {
        var (show, editor, photos) = await SheetAsync("Celine", 1);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        var typed = new string('x', 130);
        var response = await SavePhotoAsync(editor, show.Id, photos[0].Id, page, ("Credit", "", typed));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var back = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("Credit", back.QuerySelector(".validation-summary, [role=alert], .errors")!.TextContent);
        Assert.Equal(typed, back.QuerySelector("input[name='Inspector.Credit']")!.GetAttribute("value"));
        Assert.Null(Assert.Single(await factory.PhotosAsync(show.Id)).Credit);
    }

    [Fact]
    public async Task Save_and_next_opens_the_next_photo_that_still_needs_something()
    {
        var (show, editor, photos) = await SheetAsync("Loewe", 3, gate: true);
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photos[2].Id || p.Id == photos[0].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.AltText, (string?)null)));
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == show.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, DateTimeOffset.UtcNow)));
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Equal(photos[0].Id.ToString(), page.QuerySelector(".sheet-cell.current")!.GetAttribute("data-id")); // the first needing work
        var form = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", Token(page)), new("Inspector.AltText", "A model at the mirror"), new("Inspector.OriginalAltText", "") };
        var response = await editor.Http.PostAsync($"{GalleryUrl(show.Id)}?handler=savePhoto&photo={photos[0].Id}&next=true", new FormUrlEncodedContent(form));
        Assert.Equal($"{GalleryUrl(show.Id)}?photo={photos[2].Id}", response.Headers.Location!.OriginalString);
        var next = await editor.GetDocumentAsync(response.Headers.Location.OriginalString);
        Assert.Equal("Photo 3", next.QuerySelector(".inspector-what")!.TextContent);
    }

    [Fact]
    public async Task Publish_and_unpublish_act_on_the_selection_only()
    {
        var (show, editor, photos) = await SheetAsync("Prada", 3, gate: true);
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Equal(3, page.QuerySelectorAll("input[type=checkbox][name=Selection][form=sheet-selection]").Length);
        // Every POST form of the sheet carries its antiforgery token (an explicit action does not add one by itself).
        Assert.All(page.QuerySelectorAll("form[method=post]"), f => Assert.NotNull(f.QuerySelector("input[name=__RequestVerificationToken]")));
        var publish = await editor.PostFormAsync(GalleryUrl(show.Id), [new("Selection", photos[0].Id.ToString()), new("Selection", photos[2].Id.ToString())],
            $"{GalleryUrl(show.Id)}?handler=publishSelected");
        Assert.Equal(HttpStatusCode.Redirect, publish.StatusCode);
        Assert.Equal([true, false, true], (await factory.PhotosAsync(show.Id)).Select(p => p.PublishedAt is not null));
        // The JS sheet's P/U post the same handler and read JSON.
        var json = await PostJsonAsync(editor, $"{GalleryUrl(show.Id)}?handler=unpublishSelected", page, ("Selection", photos[2].Id.ToString()));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Contains("Unpublished 1 photo(s)", (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal([true, false, false], (await factory.PhotosAsync(show.Id)).Select(p => p.PublishedAt is not null));
        // The cells show the state as badges.
        var cells = await editor.Http.GetStringAsync($"{GalleryUrl(show.Id)}?handler=cells");
        var doc = FormClient.Parse("<ol>" + cells + "</ol>");
        Assert.Null(doc.GetElementById($"photo-{photos[0].Id}")!.QuerySelector(".b-unpublished"));
        Assert.NotNull(doc.GetElementById($"photo-{photos[2].Id}")!.QuerySelector(".b-unpublished"));
    }

    [Fact]
    public async Task Without_javascript_the_sheet_is_paged_24_photos_a_page_and_a_thumbnail_opens_in_the_inspector()
    {
        var (show, editor, photos) = await SheetAsync("Valentino", 30);
        var first = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Equal(24, first.QuerySelectorAll(".sheet-cell").Length);
        Assert.Null(first.QuerySelector("form.gallery-editor")); // the old single form is gone
        Assert.DoesNotContain(first.QuerySelectorAll("button"), b => b.TextContent.Contains("Save all"));
        var pages = first.QuerySelectorAll("nav.pager a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([$"{GalleryUrl(show.Id)}?page=2"], pages);
        var second = await editor.GetDocumentAsync(pages[0]!);
        var cells = second.QuerySelectorAll(".sheet-cell");
        Assert.Equal(6, cells.Length);
        Assert.Equal("25", cells[0].GetAttribute("data-n"));
        // A thumbnail's link opens that photo in the inspector, on its page; Save posts back to that page.
        var link = cells[2].QuerySelector("a.sheet-thumb")!.GetAttribute("href")!;
        var opened = await editor.GetDocumentAsync(link);
        Assert.Equal("Photo 27", opened.QuerySelector(".inspector-what")!.TextContent);
        Assert.Equal(6, opened.QuerySelectorAll(".sheet-cell").Length);
        Assert.True(opened.QuerySelector("#inspector-alt")!.HasAttribute("autofocus")); // the cursor is in the opened photo's alt text
        Assert.False(first.QuerySelector("#inspector-alt")!.HasAttribute("autofocus")); // but not on the sheet's own page
        // Enter in a field of the selection form submits with its first submit button: applying the template, never Publish.
        var selection = opened.QuerySelector("form#sheet-selection")!;
        var byDefault = selection.QuerySelectorAll("button").First(b => b.GetAttribute("type") is null or "submit");
        Assert.Contains("handler=applyTemplate", byDefault.GetAttribute("formaction"));
        Assert.Null(byDefault.GetAttribute("name")); // it never confirms overwrites: only "Replace N fields" carries the count
        var action = opened.QuerySelector("#inspector-form")!.GetAttribute("action")!;
        var saved = await editor.Http.PostAsync(action, new FormUrlEncodedContent(
            [new("__RequestVerificationToken", Token(opened)), new("Inspector.Caption", "Page two, third photo"), new("Inspector.OriginalCaption", "")]));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Page two, third photo", (await factory.PhotosAsync(show.Id))[26].Caption);
        // The JS sheet's fragment has every photo.
        Assert.Equal(30, FormClient.Parse("<ol>" + await editor.Http.GetStringAsync($"{GalleryUrl(show.Id)}?handler=cells") + "</ol>").QuerySelectorAll(".sheet-cell").Length);
        // Filters stay, and page within the filter.
        var filtered = await editor.GetDocumentAsync(GalleryUrl(show.Id) + "?filter=needs-alt&page=2");
        Assert.Equal(6, filtered.QuerySelectorAll(".sheet-cell").Length);
        Assert.Equal(5, GalleryModelFilters().Length);
    }

    private static string[] GalleryModelFilters() => Areas.Studio.Pages.Shows.GalleryModel.Filters.Select(f => f.Value).ToArray();

    [Fact]
    public async Task Codes_are_expanded_on_save_the_show_s_own_win_and_an_unknown_code_is_kept_and_flagged()
    {
        var (show, editor, photos) = await SheetAsync("Gucci", 1);
        var site = await editor.PostFormAsync("/studio/code-replacements", [new("Input.Code", "mgc"), new("Input.Text", "Maria Grazia Chiuri")], "/studio/code-replacements?handler=add");
        Assert.Equal(HttpStatusCode.Redirect, site.StatusCode);
        await editor.PostFormAsync("/studio/code-replacements", [new("Input.Code", "=look="), new("Input.Text", "Site-wide look")], "/studio/code-replacements?handler=add");
        var codesUrl = $"/studio/code-replacements?show={show.Id}";
        await editor.PostFormAsync(codesUrl, [new("Input.Code", "look"), new("Input.Text", "Look")], $"{codesUrl}&handler=add");
        await editor.PostFormAsync(codesUrl, [new("Input.Code", "l12"), new("Input.Text", "Look 12")], $"{codesUrl}&handler=add");
        var bad = await editor.PostFormAsync(codesUrl, [new("Input.Code", "two words"), new("Input.Text", "x")], $"{codesUrl}&handler=add");
        Assert.Contains("Code: letters, digits", FormClient.Parse(await bad.Content.ReadAsStringAsync()).QuerySelector(".field-error, .validation-summary, .errors")!.TextContent);

        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        Assert.Contains("Look 12", page.QuerySelector("#inspector")!.GetAttribute("data-codes")); // for the live preview
        var json = await PostJsonAsync(editor, $"{GalleryUrl(show.Id)}?handler=savePhoto&photo={photos[0].Id}", page,
            ("Inspector.Caption", "=l12= by =MGC=, =look= and =zz9="), ("Inspector.OriginalCaption", ""), ("Inspector.Credit", "=cm="), ("Inspector.OriginalCredit", ""));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var body = await json.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["=zz9=", "=cm="], body.GetProperty("unknown").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Unknown codes =zz9=, =cm= left as typed", body.GetProperty("message").GetString());
        var saved = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal("Look 12 by Maria Grazia Chiuri, Look and =zz9=", saved.Caption);
        Assert.Equal("=cm=", saved.Credit);
        var cell = (await editor.GetDocumentAsync(GalleryUrl(show.Id))).GetElementById($"photo-{photos[0].Id}")!;
        Assert.Equal("Unknown code", cell.QuerySelector(".b-code")!.GetAttribute("title"));
    }

    [Fact]
    public async Task Photo_Mechanic_code_files_import_and_export_as_tab_separated_lines()
    {
        var (show, editor, _) = await SheetAsync("Hermes", 0);
        var codesUrl = $"/studio/code-replacements?show={show.Id}";
        var page = await editor.GetDocumentAsync(codesUrl);
        var file = "dior\tDior\r\nl12\tLook 12\t(extra column)\n# a comment\n\nbroken line\nmgc\tMaria Grazia Chiuri\n";
        var content = new MultipartFormDataContent
        {
            { new StringContent(page.QuerySelector("form[enctype='multipart/form-data'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(file)), "Upload", "codes.txt" },
        };
        var imported = await editor.Http.PostAsync($"{codesUrl}&handler=import", content);
        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        var list = await editor.GetDocumentAsync(codesUrl);
        Assert.Contains("Imported 3 code(s): 3 new, 0 changed. 1 line(s) skipped: Line 5: no tab-separated replacement after \"broken line\".", list.QuerySelector(".flash")!.TextContent);
        Assert.Equal(["=dior=", "=l12=", "=mgc="], list.QuerySelectorAll(".codes-table code").Select(c => c.TextContent));

        var export = await editor.Http.GetAsync($"{codesUrl}&handler=export");
        Assert.Equal("text/tab-separated-values", export.Content.Headers.ContentType!.MediaType);
        Assert.Equal("dior\tDior\r\nl12\tLook 12\r\nmgc\tMaria Grazia Chiuri\r\n", await export.Content.ReadAsStringAsync());
        // Site-wide codes are a separate table.
        Assert.DoesNotContain((await editor.GetDocumentAsync("/studio/code-replacements")).QuerySelectorAll(".codes-table code"), c => c.TextContent == "=l12=");
    }

    [Fact]
    public async Task A_template_fills_only_empty_fields_and_replace_says_how_many_it_will_overwrite_before_it_does()
    {
        var (show, editor, photos) = await SheetAsync("Marni", 3);
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.Id == photos[1].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Caption, "Written by hand")));
        var all = photos.Select(p => new KeyValuePair<string, string>("Selection", p.Id.ToString())).ToList();
        var url = $"{GalleryUrl(show.Id)}?handler=applyTemplate";

        var fill = await editor.PostFormAsync(GalleryUrl(show.Id), [.. all, new("Template.Caption", "Backstage at {designer}, {season}, look {n}."), new("Template.Credit", "Camille Martin")], url);
        Assert.Equal(HttpStatusCode.Redirect, fill.StatusCode);
        var saved = await factory.PhotosAsync(show.Id);
        Assert.Equal(["Backstage at Marni, Fall/Winter 2025, look 1.", "Written by hand", "Backstage at Marni, Fall/Winter 2025, look 3."], saved.Select(p => p.Caption));
        Assert.All(saved, p => Assert.Equal("Camille Martin", p.Credit));

        // Replace: first the count, nothing written; then the confirmed count overwrites.
        var ask = await editor.PostFormAsync(GalleryUrl(show.Id), [.. all, new("Template.Caption", "{show} in {city}, {date}, photo by {credit}"), new("Template.Replace", "true")], url);
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var askPage = FormClient.Parse(await ask.Content.ReadAsStringAsync());
        Assert.Contains("Replace will overwrite 3 fields that already have text (3 caption)", askPage.QuerySelector(".validation-summary, [role=alert], .errors")!.TextContent);
        Assert.Equal("Replace 3 fields", askPage.QuerySelector("button.danger[formaction*=applyTemplate]")!.TextContent.Trim());
        Assert.Equal("Written by hand", (await factory.PhotosAsync(show.Id))[1].Caption);
        var confirmed = await editor.PostFormAsync(GalleryUrl(show.Id),
            [.. all, new("Template.Caption", "{show} in {city}, {date}, photo by {credit}"), new("Template.Replace", "true"), new("Template.ConfirmOverwrites", "3")], url);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.All(await factory.PhotosAsync(show.Id), p => Assert.Equal("Marni Fall/Winter 2025 in Paris, 3 March 2025, photo by Camille Martin", p.Caption));
        var log = await factory.WithDbAsync(db => db.Set<Studio.StudioAuditEntry>().Where(a => a.Action == Studio.StudioActions.ApplyTemplate && a.SubjectId == show.Id).CountAsync());
        Assert.Equal(2, log);
    }

    [Fact]
    public async Task One_identical_alt_text_for_many_photos_is_refused_but_a_caption_may_repeat()
    {
        var (show, editor, photos) = await SheetAsync("Mugler", 3);
        var all = photos.Select(p => new KeyValuePair<string, string>("Selection", p.Id.ToString())).ToList();
        var url = $"{GalleryUrl(show.Id)}?handler=applyTemplate";
        var refused = await editor.PostFormAsync(GalleryUrl(show.Id), [.. all, new("Template.AltText", "A model backstage at {designer}")], url);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("gives 3 photos the same alt text (“A model backstage at Mugler”)",
            FormClient.Parse(await refused.Content.ReadAsStringAsync()).QuerySelector(".validation-summary, [role=alert], .errors")!.TextContent);
        Assert.All(await factory.PhotosAsync(show.Id), p => Assert.Null(p.AltText));
        // The same caption for all three is fine.
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(GalleryUrl(show.Id), [.. all, new("Template.Caption", "Backstage at {designer}")], url)).StatusCode);
        Assert.All(await factory.PhotosAsync(show.Id), p => Assert.Equal("Backstage at Mugler", p.Caption));
    }

    [Fact]
    public async Task The_badges_say_what_each_photo_needs_including_rights_and_a_look_alike()
    {
        var (show, editor, photos) = await SheetAsync("Rochas", 3, gate: true);
        await factory.WithDbAsync(async db =>
        {
            var ps = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync();
            ps[0].RightsCategory = RightsCategory.NoRights;
            ps[1].ValidUntil = DateTimeOffset.UtcNow.AddDays(-1);
            ps[1].AltText = null;
            // Photos 1 and 3 have dHashes two bits apart (the same picture, re-encoded); photo 2's is far from both.
            db.AddRange(new PhotoFileFacts { PhotoId = ps[0].Id, PerceptualHash = 0x0F0F_0F0F_0F0F_0F0FL },
                new PhotoFileFacts { PhotoId = ps[1].Id, PerceptualHash = 0x7777_0000_FFFF_1234L },
                new PhotoFileFacts { PhotoId = ps[2].Id, PerceptualHash = 0x0F0F_0F0F_0F0F_0F0CL });
            await db.SaveChangesAsync();
        });
        var page = await editor.GetDocumentAsync(GalleryUrl(show.Id));
        string[] Badges(int i) => page.GetElementById($"photo-{photos[i].Id}")!.QuerySelectorAll(".b").Select(b => b.GetAttribute("title")!).ToArray();
        Assert.Equal(["Unpublished", "No rights"], Badges(0));
        Assert.Equal(["Unpublished", "Needs alt text", "Licence expired"], Badges(1));
        Assert.Equal(["Unpublished", "Looks like #1"], Badges(2));
        Assert.Equal("3", page.GetElementById($"photo-{photos[2].Id}")!.QuerySelector(".sheet-n")!.TextContent);
    }

    [Fact]
    public async Task The_dashboard_shows_the_live_show_with_links_into_its_filters_and_the_shows_list_badges_it_live_now()
    {
        var (show, editor, photos) = await SheetAsync("Balenciaga", 4, gate: true);
        var (quiet, _, _) = await SheetAsync("Quietbrand", 1, gate: true);
        await factory.WithDbAsync(async db =>
        {
            var ps = await db.Set<Photo>().Where(p => p.ShowId == show.Id).OrderBy(p => p.Position).ToListAsync();
            foreach (var p in ps.Take(3)) p.PublishedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            ps[0].Caption = "Captioned";
            ps[3].AltText = null;
            // Quietbrand published a photo minutes ago too, but its live coverage was ended: not live now.
            await db.Set<Photo>().Where(p => p.ShowId == quiet.Id).ExecuteUpdateAsync(x => x.SetProperty(p => p.PublishedAt, DateTimeOffset.UtcNow.AddMinutes(-5)));
            await db.SaveChangesAsync();
        });
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(show.Id, true, Actor.System, default));
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(quiet.Id, true, Actor.System, default));
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(quiet.Id, false, Actor.System, default));
        var dash = await editor.GetDocumentAsync("/studio");
        var live = dash.QuerySelectorAll(".live-now").Single(s => s.TextContent.Contains("Balenciaga"));
        Assert.Equal("At Balenciaga — live coverage, 3 published, 3 to caption", live.QuerySelector("strong a")!.TextContent.Trim());
        var links = live.QuerySelectorAll(".meta a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal($"{GalleryUrl(show.Id)}?filter=needs-alt", links["1 need alt text"]);
        Assert.Equal($"{GalleryUrl(show.Id)}?filter=unpublished", links["1 unpublished"]);
        Assert.DoesNotContain(dash.QuerySelectorAll(".live-now"), s => s.TextContent.Contains("Quietbrand"));

        var list = await editor.GetDocumentAsync("/studio/shows");
        var row = list.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Contains("Balenciaga"));
        Assert.Equal("Live now", row.QuerySelector(".live-badge")!.TextContent);
        Assert.Null(list.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Contains("Quietbrand")).QuerySelector(".live-badge"));
    }
}
