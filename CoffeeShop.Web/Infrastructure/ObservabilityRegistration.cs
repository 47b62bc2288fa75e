using System.Globalization;
using CoffeeShop.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CoffeeShop.Web.Infrastructure;

public static class ObservabilityRegistration
{
    /// <summary>The tag of the checks /health/ready runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Where the health endpoints are mapped; traces leave them out.</summary>
    private const string HealthPath = "/health";

    /// <summary>
    /// Serilog with levels from the <c>Serilog</c> settings section: a readable console in Development,
    /// compact JSON (one event per line, for log shippers, written in the background) everywhere else.
    /// Plus health checks, the shop's meter, and OpenTelemetry: metrics for a Prometheus scrape on a port of
    /// its own (<c>Metrics:Port</c>), traces and metrics pushed over OTLP (<c>OpenTelemetry:OtlpEndpoint</c>).
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        // preserveStaticLogger: each host logs through its own logger. Without it every host's ILogger writes
        // to Serilog's static Log.Logger, which the last host built replaces: two hosts in one process (tests,
        // a second instance) would then write into each other's sinks.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            // Every sink sits behind the redacting sink: no secret, card number or full email is written.
            logger.WriteTo.Sink(LoggerSinkConfiguration.Wrap(sink => new LogRedaction.Sink(sink), sinks =>
            {
                if (development)
                {
                    sinks.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}", formatProvider: CultureInfo.InvariantCulture);
                }
                else
                {
                    // Written by a background thread, so requests never queue on the console's lock;
                    // a full buffer (10,000 events) holds the writers back rather than dropping events.
                    sinks.Async(console => console.Console(new RenderedCompactJsonFormatter()), blockWhenFull: true);
                }

                // Extra sinks registered by the host (tests capture events this way).
                foreach (var extra in services.GetServices<ILogEventSink>())
                {
                    sinks.Sink(extra);
                }
            }));
        }, preserveStaticLogger: true);

        builder.Services.AddHealthChecks()
            .AddDbContextCheck<AppDbContext>("database", tags: [ReadyTag])
            .AddCheck<MigrationsAppliedCheck>("migrations", tags: [ReadyTag]);

        builder.Services.AddSingleton<ShopMetrics>();
        AddOpenTelemetry(builder);
        return builder;
    }

    /// <summary>
    /// Traces (ASP.NET Core, HttpClient: the Stripe calls, Npgsql) only when an OTLP collector takes them;
    /// metrics (the shop's meter, ASP.NET Core, HttpClient, Npgsql) when a collector or a scraper does.
    /// With neither, the OpenTelemetry SDK is not started at all. Logs stay with Serilog and its redaction.
    /// </summary>
    private static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpenTelemetryOptions>().BindConfiguration(OpenTelemetryOptions.Section)
            .ValidateProblems(OpenTelemetryOptions.Problems).ValidateOnStart();
        var otlp = (builder.Configuration.GetSection(OpenTelemetryOptions.Section).Get<OpenTelemetryOptions>() ?? new()).OtlpUri;

        var shopUrls = ScrapePort.ShopUrls(builder);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .ValidateDataAnnotations().ValidateProblems(options => MetricsOptions.Problems(options, shopUrls)).ValidateOnStart();
        var metrics = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        var scrape = metrics.Enabled && !MetricsOptions.Problems(metrics, shopUrls).Any();

        if (otlp is null && !scrape)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ShopMetrics.MeterName))
            .WithMetrics(meters =>
            {
                meters.AddMeter(ShopMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (scrape)
                {
                    meters.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    meters.AddOtlpExporter(exporter => exporter.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(traces => traces
                // Probes and scrapes every few seconds would drown the requests worth reading. This filter runs
                // as the request starts, before routing has found an endpoint whose metadata could say so, so it
                // names the health endpoints by the one path they are mapped under (HealthPath).
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthPath) && !(scrape && context.Connection.LocalPort == metrics.Port))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(exporter => exporter.Endpoint = otlp));
        }

        if (scrape)
        {
            ScrapePort.Listen(builder, metrics.Port, shopUrls);
        }
    }

    /// <summary>
    /// The Prometheus scrape on its own port, request logging and the two health endpoints: live (the
    /// process answers) and ready (it can serve).
    /// </summary>
    public static WebApplication UseObservability(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value is { Enabled: true } metrics)
        {
            ScrapePort.Answer(app, metrics.Port);
        }

        app.UseSerilogRequestLogging(options =>
        {
            options.GetLevel = RequestLogLevel;
            // This host's logger, not Serilog's static one (see AddObservability).
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
        });
        // Served over plain http too: a load balancer probes an instance's own http port (HttpsOnly).
        app.MapHealthChecks($"{HealthPath}/live", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(new ServedOverPlainHttpAttribute());
        app.MapHealthChecks($"{HealthPath}/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            // The status and nothing else: check names, exception messages and durations would tell anyone what
            // database runs here and how it fails.
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(report.Status.ToString());
            },
        }).WithMetadata(new ServedOverPlainHttpAttribute());
        return app;
    }

    /// <summary>Serilog's default levels (Error for a failure or a 5xx, else Information), but Debug for refusals an endpoint logs itself.</summary>
    private static LogEventLevel RequestLogLevel(HttpContext http, double elapsedMilliseconds, Exception? exception) =>
        exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
        : http.Response.StatusCode >= 400 && http.GetEndpoint()?.Metadata.GetMetadata<LogsOwnRefusalsAttribute>() is not null ? LogEventLevel.Debug
        : LogEventLevel.Information;

    private sealed class MigrationsAppliedCheck(AppDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied");
        }
    }
}
