using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using JourneyML.Api.Segments;
using JourneyML.Api.Serving;
using JourneyML.Api.Workspace.Ops;
using JourneyML.Api.Workspace.Pages;
using JourneyML.Core.Errors;
using JourneyML.Core.Scoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JourneyML.Api.Workspace;

/// <summary>
/// The workspace: HTML pages over the latest snapshot, rendered on the server by Razor components (static rendering: no
/// WebAssembly, no live connection), in Japanese and English, served by this process from the same registry as the API.
/// Every answer carries a Content-Security-Policy that allows nothing from outside this service and no inline script.
/// Reads follow Security:ProtectReads: without the key (header) or a session, a page sends the browser to sign in.
/// </summary>
public static class WorkspaceEndpoints
{
    /// <summary>Nothing from elsewhere: scripts, styles, images and forms from this service only; no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static IServiceCollection AddWorkspace(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // Japanese (and every other script) written as text, not as numeric entities: pages stay readable and half the size.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddSingleton<WorkspaceText>();
        services.AddSingleton<EventNames>();
        services.AddSingleton<WorkspaceJourneyMaps>();
        return services;
    }

    public static RouteGroupBuilder MapWorkspace(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").ExcludeFromDescription().AddEndpointFilter(async (invocation, next) =>
        {
            var headers = invocation.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.CacheControl = "no-store"; // pages hold customer data: not kept by the browser or a proxy
            return await next(invocation);
        });
        group.MapGet("/workspace/assets/{name}", Asset);
        group.MapGet("/login", LoginForm);
        group.MapPost("/login", SignIn).DisableAntiforgery();
        group.MapPost("/logout", SignOut).DisableAntiforgery();
        var pages = group.MapGroup("/").AddEndpointFilter(async (invocation, next) =>
            WorkspaceSession.MayRead(invocation.HttpContext) ? await next(invocation) : ToSignIn(invocation.HttpContext)).TagModelVersion(ModelVersionTag.Scored);
        pages.MapGet("/", ChurnRiskList);
        pages.MapGet("/churn-risk/export", Export).RequireRateLimiting(RateLimits.Exports);
        pages.MapGet("/customers/{id}", Customer);
        pages.MapGet("/accounts", Accounts);
        pages.MapGet("/accounts/{id}", Account);
        pages.MapGet("/segments", Segments);
        pages.MapGet("/segments/{id:int}", Segment);
        pages.MapGet("/segments/{id:int}/export", SegmentExport).RequireRateLimiting(RateLimits.Exports);
        // Not under the per-client map limit: most of this page's requests are clicks on a map already built (kept by
        // WorkspaceJourneyMaps); the builds themselves wait in the API's bounded queue (503 with Retry-After when full).
        pages.MapGet("/journey-map", JourneyMap);
        pages.MapWhomToCall(); // the list ranked by uplift, beside the risk list
        pages.MapWorkspaceOps(); // models, jobs, alerts and webhooks, with their writes
        return group;
    }

    private static IResult ToSignIn(HttpContext context) =>
        TypedResults.Redirect("/login?return=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));

    internal static Ui UiFor(HttpContext context) => WorkspaceLanguage.For(context, context.RequestServices.GetRequiredService<WorkspaceText>());

    internal static IResult ChurnRiskList(HttpContext context, SnapshotHost snapshots)
    {
        var ui = UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        var request = RiskListRequest.Parse(context.Request.Query);
        var cut = snapshots.Rules.ChurnRiskThreshold;
        var page = RiskListQuery.Page(view, request.Filter(cut), request.Order, (request.Page - 1) * request.Size, request.Size);
        var model = new ChurnRiskModel(view, request, page, ListChoices.Of(view), cut);
        return new RazorComponentResult<ChurnRiskPage>(new { Ui = ui, Model = model }) { StatusCode = request.Problems.Count > 0 ? 400 : 200 };
    }

    internal static IResult Export(HttpContext context, SnapshotHost snapshots)
    {
        var ui = UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        var request = RiskListRequest.Parse(context.Request.Query);
        var layout = context.Request.Query["layout"].ToString();
        var excel = context.Request.Query["excel"].ToString();
        if (request.Problems.Count > 0 || !ExportFormat.LayoutNames.Contains(layout.Length == 0 ? "journeyml" : layout) || excel is not ("" or "true" or "false"))
        {
            return Message(ui, 400, ui["error.badRequest"], ui["error.badExport"]);
        }
        // The export's reasons in the page's language: a Japanese team imports Japanese reasons into its CRM.
        var rows = RiskListQuery.All(view, request.Filter(snapshots.Rules.ChurnRiskThreshold), request.Order, WorkspaceReasons.Language(ui.Language));
        return CsvAnswer.File(view.Latest, rows, layout.Length == 0 ? null : layout, excel == "true", "churn-risk");
    }

    internal static IResult Customer(string id, HttpContext context, SnapshotHost snapshots, EventNames events, ModelHost models,
        Microsoft.Extensions.Options.IOptions<ServingOptions> options)
    {
        var ui = UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        if (!view.TryFind(id, out int row))
        {
            return Message(ui, 404, ui["error.notFound"], ui["customer.unknown"]);
        }
        var model = CustomerModel.Of(view, row, snapshots.Rules.ChurnRiskThreshold, events);
        var whatIf = CustomerWhatIf.For(view, row, context.Request.Query, models, options, ui.Language);
        return new RazorComponentResult<CustomerPage>(new { Ui = ui, Model = model, WhatIf = whatIf }) { StatusCode = whatIf?.Problems.Count > 0 ? 400 : 200 };
    }

    internal static IResult Accounts(HttpContext context, SnapshotHost snapshots, string? q = null, string? page = null)
    {
        var ui = UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        int number = 1;
        if (page is not null && (!int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number) || number < 1))
        {
            return Message(ui, 400, ui["error.badRequest"], ui.F("risk.problem", "page", page));
        }
        var model = AccountsModel.Of(view, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), number, snapshots.Rules.ChurnRiskThreshold);
        return new RazorComponentResult<AccountsPage>(new { Ui = ui, Model = model });
    }

    internal static IResult Account(string id, HttpContext context, SnapshotHost snapshots)
    {
        var ui = UiFor(context);
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        try
        {
            var rollup = AccountRollup.Of(view, id);
            return new RazorComponentResult<AccountPage>(new { Ui = ui, Model = new AccountModel(view, rollup, snapshots.Rules.ChurnRiskThreshold) });
        }
        catch (NotFoundException)
        {
            return Message(ui, 404, ui["error.notFound"], ui["account.unknown"]);
        }
    }

    /// <summary>The segments side by side: the API's own list (sizes in the latest snapshot, rates when trained), in words.</summary>
    internal static IResult Segments(HttpContext context, ModelHost models, SnapshotHost snapshots)
    {
        var ui = UiFor(context);
        if (models.Current is null)
        {
            return Message(ui, 503, ui["error.noChampion.title"], ui["error.noChampion"]);
        }
        var list = SegmentApi.ListIn(models, snapshots, WorkspaceReasons.Language(ui.Language)).Value!;
        var model = new SegmentsModel(list, snapshots.Current?.Latest.AsOf) { History = snapshots.Current?.SegmentHistory ?? [] };
        return new RazorComponentResult<SegmentsPage>(new { Ui = ui, Model = model });
    }

    /// <summary>One segment: the API's profile, a page of the API's member list, its size over the snapshots, and the exports.</summary>
    internal static IResult Segment(int id, HttpContext context, ModelHost models, SnapshotHost snapshots, string? page = null)
    {
        var ui = UiFor(context);
        if (models.Current is null)
        {
            return Message(ui, 503, ui["error.noChampion.title"], ui["error.noChampion"]);
        }
        if (snapshots.Current is not { } view)
        {
            return NoSnapshot(ui);
        }
        if (SegmentApi.GetIn(id, models, snapshots, WorkspaceReasons.Language(ui.Language)).Result is not Ok<Segments.SegmentDetail> { Value: { } detail })
        {
            return Message(ui, 404, ui["error.notFound"], ui.F("segment.unknown", id));
        }
        int number = 1;
        if (page is not null && (!int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number) || number < 1))
        {
            return Message(ui, 400, ui["error.badRequest"], ui.F("risk.problem", "page", page));
        }
        Segments.SegmentMembers members;
        try
        {
            members = ((Ok<Segments.SegmentMembers>)SegmentApi.Members(id, snapshots, context, limit: SegmentModel.PageSize,
                cursor: Cursor.Encode((number - 1) * SegmentModel.PageSize), format: "json").Result).Value!;
        }
        catch (Errors.RequestValidationException)
        {
            return Message(ui, 400, ui["error.badRequest"], ui.F("risk.problem", "page", page));
        }
        var model = new SegmentModel(detail, members, number, view.SegmentHistory, snapshots.Rules.ChurnRiskThreshold);
        return new RazorComponentResult<SegmentPage>(new { Ui = ui, Model = model });
    }

    /// <summary>A segment's members as the API exports them (the same handler), for a campaign tool.</summary>
    internal static IResult SegmentExport(int id, HttpContext context, SnapshotHost snapshots)
    {
        var ui = UiFor(context);
        if (snapshots.Current is null)
        {
            return NoSnapshot(ui);
        }
        var layout = context.Request.Query["layout"].ToString();
        if (!ExportFormat.LayoutNames.Contains(layout))
        {
            return Message(ui, 400, ui["error.badRequest"], ui["error.badExport"]);
        }
        return SegmentApi.Members(id, snapshots, context, format: "csv", layout: layout, excel: context.Request.Query["excel"] == "true").Result;
    }

    /// <summary>
    /// The journey map for the pickers' window, segment and account (built by the API's journey run, kept for the clicks
    /// that follow), and the customers of the stage or move clicked.
    /// </summary>
    internal static async Task<IResult> JourneyMap(HttpContext context, ModelHost models, SnapshotHost snapshots, WorkspaceJourneyMaps maps)
    {
        var ui = UiFor(context);
        var request = JourneyMapRequest.Parse(context.Request.Query);
        var champion = models.Current;
        if (request.Segment is { } asked && champion is not null && !champion.Models.Segmentation.SegmentIds.Contains(asked))
        {
            request = request with { Segment = null, Problems = [.. request.Problems, ("segment", asked.ToString(System.Globalization.CultureInfo.InvariantCulture))] };
        }
        var key = new WorkspaceJourneyMaps.Key(request.From, request.To, request.Segment, request.Account, champion?.ModelVersion, snapshots.Current?.Latest.AsOf);
        Core.Journeys.JourneyMembers? members;
        try
        {
            members = await maps.GetAsync(key, context.RequestAborted);
        }
        catch (NotFoundException e)
        {
            return Message(ui, 404, ui["error.notFound"], e.Subject == "account" ? ui.F("journey.noAccount", request.Account) : ui["journey.unknownSegment"]);
        }
        catch (NotReadyException)
        {
            return Message(ui, 503, ui["error.noChampion.title"], ui["error.noChampion"]);
        }
        catch (Exception e) when (e is Core.Data.DataFileException or Core.Data.DataValidationException)
        {
            return Message(ui, 503, ui["journey.noData.title"], ui["journey.noData"]);
        }
        if (members is null)
        {
            RateLimits.RetryAfter(context.Response, maps.RetryAfter);
            return Message(ui, 503, ui["journey.busy.title"], ui["journey.busy"]);
        }
        var names = members.Map.Stages.Select(s => s.Stage).ToHashSet(StringComparer.Ordinal);
        var problems = request.Problems.ToList();
        foreach (var (field, stage) in new[] { ("stage", request.Stage), ("moveFrom", request.MoveFrom), ("moveTo", request.MoveTo) })
        {
            if (stage is not null && !names.Contains(stage))
            {
                problems.Add((field, stage));
            }
        }
        // With a problem the map is shown without a list: never a list of something other than what was asked.
        request = problems.Count > 0 ? request with { Problems = problems, Stage = null, MoveFrom = null, MoveTo = null } : request;
        var segmentation = champion?.Models.Segmentation;
        List<(int Id, string Name)> segments = segmentation is null ? [] : [.. segmentation.SegmentIds.Select((id, i) => (id, segmentation.SegmentNameIn(i, ui.Language == "ja")))];
        var model = JourneyMapModel.Of(request, members, snapshots.Current, segments, snapshots.Rules.ChurnRiskThreshold);
        return new RazorComponentResult<JourneyMapPage>(new { Ui = ui, Model = model }) { StatusCode = problems.Count > 0 ? 400 : 200 };
    }

    internal static IResult LoginForm(HttpContext context, string? @return = null) => Login(context, @return, failed: false, 200);

    internal static async Task<IResult> SignIn(HttpContext context, ILoggerFactory loggers)
    {
        if (!WorkspaceSession.SameOrigin(context.Request) || !context.Request.HasFormContentType)
        {
            return OtherSite(context);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var back = WorkspaceSession.LocalPath(form["return"]);
        if (WorkspaceSession.SignIn(context, form["key"]))
        {
            return TypedResults.Redirect(back);
        }
        // Never the key given: only that a sign-in was refused.
        loggers.CreateLogger("JourneyML.Api.Workspace").LogInformation("Workspace sign-in refused: the key given is not the configured one");
        return Login(context, back, failed: true, 401);
    }

    internal static IResult SignOut(HttpContext context)
    {
        if (!WorkspaceSession.SameOrigin(context.Request))
        {
            return OtherSite(context);
        }
        WorkspaceSession.SignOut(context);
        return TypedResults.Redirect("/login");
    }

    private static IResult Login(HttpContext context, string? back, bool failed, int status) =>
        new RazorComponentResult<LoginPage>(new
        {
            Ui = UiFor(context),
            Return = WorkspaceSession.LocalPath(back),
            Failed = failed,
            KeyConfigured = WorkspaceSession.KeyConfigured(context),
            ReadsProtected = WorkspaceSession.ReadsProtected(context),
            SignedIn = WorkspaceSession.HasKey(context),
        }) { StatusCode = status };

    private static IResult OtherSite(HttpContext context)
    {
        var ui = UiFor(context);
        return Message(ui, 400, ui["error.badRequest"], ui["login.otherSite"]);
    }

    internal static IResult NoSnapshot(Ui ui) => Message(ui, 503, ui["error.noSnapshot.title"], ui["error.noSnapshot"]);

    internal static IResult Message(Ui ui, int status, string title, string text) =>
        new RazorComponentResult<MessagePage>(new { Ui = ui, Title = title, Text = text }) { StatusCode = status };

    private static readonly Dictionary<string, string> s_assetTypes = new(StringComparer.Ordinal)
    {
        ["workspace.css"] = "text/css; charset=utf-8",
        ["workspace.js"] = "text/javascript; charset=utf-8",
    };

    internal static IResult Asset(string name, HttpContext context)
    {
        if (!s_assetTypes.TryGetValue(name, out var type))
        {
            return TypedResults.NotFound();
        }
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"JourneyML.Api.Workspace.Assets.{name}")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        // Assets change only with the build: a browser may keep them for an hour (the pages themselves are never cached).
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Task.CompletedTask;
        });
        return TypedResults.Bytes(copy.ToArray(), type);
    }
}
