using JourneyML.Api.Alerts;
using JourneyML.Api.Errors;
using JourneyML.Api.Jobs;
using JourneyML.Api.Models;
using JourneyML.Api.Serving;
using JourneyML.Api.Workspace.Pages;
using JourneyML.Core.Errors;
using JourneyML.Core.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JourneyML.Api.Workspace.Ops;

/// <summary>
/// The operations pages: models (versions, the gate, drift, promote and roll back), retraining jobs, alerts and webhooks.
/// Every write is a form posted from this service's own page with the API key typed into it for that write: the key
/// is checked (in constant time) and forgotten, never written into a page, a cookie or the log, and the write goes
/// through the same handler as the API's endpoint. A post from another site, a wrong key or a refused change is a
/// page that says so (400, 401, 403, 404, 409, 422), never a 5xx.
/// </summary>
public static class WorkspaceOps
{
    /// <summary>The form field the key is typed into.</summary>
    public const string KeyField = "key";

    public static RouteGroupBuilder MapWorkspaceOps(this RouteGroupBuilder pages)
    {
        pages.MapGet("/models", Models);
        pages.MapPost("/models/rollback", Rollback).DisableAntiforgery();
        pages.MapPost("/models/{version}/promote", Promote).DisableAntiforgery();
        pages.MapPost("/models/retrain", Retrain).DisableAntiforgery();
        pages.MapGet("/alerts", AlertsPage);
        pages.MapPost("/webhooks/add", AddWebhook).DisableAntiforgery();
        pages.MapPost("/webhooks/remove", RemoveWebhook).DisableAntiforgery();
        pages.MapPost("/webhooks/test", TestWebhook).DisableAntiforgery();
        return pages;
    }

    internal static IResult Models(HttpContext context, ModelHost models, RetrainJobs jobs, string? done = null, string? version = null, string? job = null)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var notice = done switch
        {
            "promoted" when version is not null => new Notice(true, ui.F("models.promoted", version)),
            "rolledback" when version is not null => new Notice(true, ui.F("models.rolledBack", version)),
            "retrain" when job is not null => new Notice(true, ui.F("retrain.started", job)),
            _ => null,
        };
        return ModelsPage(context, ui, models, jobs, notice, 200);
    }

    private static IResult ModelsPage(HttpContext context, Ui ui, ModelHost models, RetrainJobs jobs, Notice? notice, int status) =>
        new RazorComponentResult<ModelsPage>(new { Ui = ui, Model = ModelsModel.Of(models, jobs, WorkspaceSession.KeyConfigured(context), notice, WorkspaceReasons.Language(ui.Language)) }) { StatusCode = status };

    internal static async Task<IResult> Promote(string version, HttpContext context, ModelHost models, RetrainJobs jobs)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var (form, refusal) = await WriteFormAsync(context, ui);
        if (refusal is not null)
        {
            return ModelsPage(context, ui, models, jobs, refusal.Value.Notice, refusal.Value.Status);
        }
        var reason = form!["reason"].ToString().Trim();
        var request = new PromoteRequest { Reason = reason.Length == 0 ? "promoted in the workspace" : reason };
        return await Write(context, ui, models, jobs, async () =>
        {
            var answer = await ModelApi.Promote(version, models, context, request);
            return "/models?done=promoted&version=" + Uri.EscapeDataString(answer.Value!.Champion);
        });
    }

    internal static async Task<IResult> Rollback(HttpContext context, ModelHost models, RetrainJobs jobs)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var (_, refusal) = await WriteFormAsync(context, ui);
        if (refusal is not null)
        {
            return ModelsPage(context, ui, models, jobs, refusal.Value.Notice, refusal.Value.Status);
        }
        return await Write(context, ui, models, jobs, async () =>
        {
            var answer = await ModelApi.Rollback(models, context);
            return "/models?done=rolledback&version=" + Uri.EscapeDataString(answer.Value!.Champion);
        });
    }

    /// <summary>
    /// Starts a retraining job on the service's data through the API's own handler (POST /v1/jobs/retrain: the same checks,
    /// one job at a time across the instances), with the as-of date and the fixed trainer the form gives; the page then
    /// lists the job with its progress. A job already running is a 409 that names it.
    /// </summary>
    internal static async Task<IResult> Retrain(HttpContext context, ModelHost models, RetrainJobs jobs, ServingPaths paths)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var (form, refusal) = await WriteFormAsync(context, ui);
        if (refusal is not null)
        {
            return ModelsPage(context, ui, models, jobs, refusal.Value.Notice, refusal.Value.Status);
        }
        var asOfText = form!["asOf"].ToString().Trim();
        DateTime? asOf = null;
        if (asOfText.Length > 0)
        {
            if (!DateTime.TryParseExact(asOfText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ModelsPage(context, ui, models, jobs, new Notice(false, ui.F("retrain.badAsOf", asOfText)), 400);
            }
            asOf = parsed;
        }
        var request = new RetrainRequest { AsOf = asOf, FixedTrainer = form["fixedTrainer"].ToString() == "on" };
        try
        {
            var (job, running) = JobApi.StartJob(jobs, paths, request);
            return job is not null
                ? TypedResults.Redirect("/models?done=retrain&job=" + Uri.EscapeDataString(job.Id) + "#jobs")
                : ModelsPage(context, ui, models, jobs, new Notice(false, ui.F("retrain.running", running)), 409);
        }
        catch (Exception e) when (Refused(context, ui, e) is { } refused)
        {
            return ModelsPage(context, ui, models, jobs, new Notice(false, refused.Text), refused.Status);
        }
    }

    /// <summary>Runs a registry write; done, the browser goes to the page again (a reload does not post twice); refused, the page says why.</summary>
    private static async Task<IResult> Write(HttpContext context, Ui ui, ModelHost models, RetrainJobs jobs, Func<Task<string>> write)
    {
        try
        {
            return TypedResults.Redirect(await write());
        }
        catch (Exception e) when (Refused(context, ui, e) is { } refused)
        {
            return ModelsPage(context, ui, models, jobs, new Notice(false, refused.Text), refused.Status);
        }
    }

    /// <summary>Why the registry refused a write, in the page's language with the registry's own words after it.</summary>
    private static (int Status, string Text)? Refused(HttpContext context, Ui ui, Exception e)
    {
        string Words(string message) => ProblemExceptionHandler.Scrub(message, context.RequestServices.GetRequiredService<ServingPaths>());
        return e switch
        {
            RequestValidationException v => (400, ui.F("write.invalid", string.Join("; ", v.Errors.SelectMany(x => x.Value.Select(m => $"{x.Key}: {m}"))))),
            NotFoundException n => (404, ui.F("models.unknown", Words(n.Message))),
            ModelLoadException l => (422, ui.F("models.doesNotLoad", Words(l.Message))),
            ConflictException c => (409, ui.F("models.conflict", Words(c.Message))),
            _ => null,
        };
    }

    /// <summary>
    /// The posted form of a write, or why it is refused: posted from another site (400), writes off because no key is
    /// configured (403), or a key that is not the configured one (401). The key is read here and nowhere else.
    /// </summary>
    private static async Task<(IFormCollection? Form, (Notice Notice, int Status)? Refusal)> WriteFormAsync(HttpContext context, Ui ui)
    {
        if (!WorkspaceSession.SameOriginWrite(context.Request))
        {
            return (null, (new Notice(false, ui["write.otherSite"]), 400));
        }
        if (!WorkspaceSession.KeyConfigured(context))
        {
            return (null, (new Notice(false, ui["write.off"]), 403));
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!WorkspaceSession.IsTheKey(context, form[KeyField]))
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("JourneyML.Api.Workspace")
                .LogInformation("Workspace write refused: the key given is not the configured one");
            return (null, (new Notice(false, ui[string.IsNullOrEmpty(form[KeyField]) ? "write.noKey" : "write.wrongKey"]), 401));
        }
        return (form, null);
    }

    internal static IResult AlertsPage(HttpContext context, SnapshotHost snapshots, WebhookStore store, WebhookDeliveries deliveries, IOptions<WebhookOptions> options,
        string? since = null, string? done = null)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var notice = done switch
        {
            "added" => new Notice(true, ui["webhooks.added"]),
            "removed" => new Notice(true, ui["webhooks.removed"]),
            _ => null,
        };
        return Alerts(context, ui, snapshots, store, deliveries, options, since, notice, 200);
    }

    private static IResult Alerts(HttpContext context, Ui ui, SnapshotHost snapshots, WebhookStore store, WebhookDeliveries deliveries, IOptions<WebhookOptions> options,
        string? since, Notice? notice, int status)
    {
        if (snapshots.Current is not { } view)
        {
            return WorkspaceEndpoints.NoSnapshot(ui);
        }
        DateTime? from = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (!DateTime.TryParseExact(since, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return WorkspaceEndpoints.Message(ui, 400, ui["error.badRequest"], ui.F("alerts.badSince", since));
            }
            from = parsed;
        }
        var list = AlertApi.List(snapshots, from).Value!;
        // The webhooks' URLs can carry a receiver's token: shown only to a request that holds the key (a session or the header), as GET /v1/webhooks.
        var hooks = WorkspaceSession.HasKey(context) ? AlertApi.Webhooks(store, deliveries, options).Value : null;
        return new RazorComponentResult<AlertsPage>(new
        {
            Ui = ui,
            Model = new AlertsModel(view, list, from is null ? null : since, hooks, WorkspaceSession.KeyConfigured(context), notice, snapshots.Rules.ChurnRiskThreshold),
        }) { StatusCode = status };
    }

    internal static Task<IResult> AddWebhook(HttpContext context, SnapshotHost snapshots, WebhookStore store, WebhookTargets targets, WebhookDeliveries deliveries,
        IOptions<WebhookOptions> options) =>
        ChangeWebhooks(context, snapshots, store, targets, deliveries, options, "added", (urls, url) => [.. urls, url]);

    internal static Task<IResult> RemoveWebhook(HttpContext context, SnapshotHost snapshots, WebhookStore store, WebhookTargets targets, WebhookDeliveries deliveries,
        IOptions<WebhookOptions> options) =>
        ChangeWebhooks(context, snapshots, store, targets, deliveries, options, "removed", (urls, url) => [.. urls.Where(u => u != url)]);

    /// <summary>Adds or removes one URL through the API's own handler (PUT /v1/webhooks: the same checks, the same store).</summary>
    private static async Task<IResult> ChangeWebhooks(HttpContext context, SnapshotHost snapshots, WebhookStore store, WebhookTargets targets, WebhookDeliveries deliveries,
        IOptions<WebhookOptions> options, string done, Func<IReadOnlyList<string>, string, List<string>> change)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var (form, refusal) = await WriteFormAsync(context, ui);
        if (refusal is not null)
        {
            return Alerts(context, ui, snapshots, store, deliveries, options, null, refusal.Value.Notice, refusal.Value.Status);
        }
        var url = form!["url"].ToString().Trim();
        try
        {
            await AlertApi.SetWebhooks(new WebhookUpdate { Urls = change(store.Urls(), url) }, store, targets, deliveries, options, context.RequestAborted);
            return TypedResults.Redirect("/alerts?done=" + done);
        }
        catch (RequestValidationException e)
        {
            // The problem of the URL given (its index in the list is an API detail a form does not have).
            var text = string.Join("; ", e.Errors.SelectMany(x => x.Value));
            return Alerts(context, ui, snapshots, store, deliveries, options, null, new Notice(false, ui.F("webhooks.refused", text)), 400);
        }
    }

    /// <summary>One test call to a webhook the service calls (configured or added), its answer on the page.</summary>
    internal static async Task<IResult> TestWebhook(HttpContext context, SnapshotHost snapshots, WebhookStore store, WebhookDeliveries deliveries,
        IOptions<WebhookOptions> options, WebhookDispatcher dispatcher)
    {
        var ui = WorkspaceEndpoints.UiFor(context);
        var (form, refusal) = await WriteFormAsync(context, ui);
        if (refusal is not null)
        {
            return Alerts(context, ui, snapshots, store, deliveries, options, null, refusal.Value.Notice, refusal.Value.Status);
        }
        var url = form!["url"].ToString();
        if (!options.Value.Urls.Concat(store.Urls()).Contains(url, StringComparer.Ordinal))
        {
            return Alerts(context, ui, snapshots, store, deliveries, options, null, new Notice(false, ui["webhooks.notListed"]), 404);
        }
        var result = await dispatcher.TestAsync(url, context.RequestAborted);
        var notice = result.Delivered ? new Notice(true, ui.F("webhooks.testOk", result.Url, result.Status))
            : new Notice(false, ui.F("webhooks.testFailed", result.Url, result.Error));
        return Alerts(context, ui, snapshots, store, deliveries, options, null, notice, 200);
    }
}
