using JourneyML.Api.Alerts;
using JourneyML.Api.Errors;
using JourneyML.Api.Jobs;

namespace JourneyML.Api.Serving;

/// <summary>Options (validated on start) and the serving services: model and snapshot hosts, webhooks, retraining jobs.</summary>
public static class ServingSetup
{
    public static IServiceCollection AddJourneyServing(this IServiceCollection services)
    {
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .Validate(o => o.Urls.All(u => WebhookStore.Problem(u) is null), "Webhooks:Urls must be absolute http(s) URLs without credentials")
            .Validate(o => o.Urls.All(u => WebhookTargets.LiteralProblem(u, o.AllowedHosts) is null),
                $"Webhooks:Urls must not call internal addresses (loopback, private, link-local) unless {WebhookTargets.AllowSetting} names the host");
        services.AddSingleton<ServingPaths>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
        services.AddSingleton(_ => LeaseHolder.ForThisProcess());
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookTargets>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<SnapshotHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SnapshotHost>());
        // After both hosts: it warms what they loaded.
        services.AddSingleton<ServingWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<ServingWarmUp>());
        // Once the server listens: requests through the whole pipeline, pages included (readiness waits for both).
        services.AddSingleton<PipelineWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineWarmUp>());
        services.AddSingleton<RetrainJobs>();
        // Webhook calls connect only to addresses checked at that moment, follow no redirects and use no proxy (which would connect elsewhere).
        services.AddHttpClient(WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
        {
            ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        // Malformed bodies and parameters throw, so the exception handler answers them with the field and the reason.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
