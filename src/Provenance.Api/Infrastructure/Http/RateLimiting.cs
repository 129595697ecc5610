using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>Per-principal request limits (<c>Provenance:RateLimit</c>; docs/operations.md#rate-limits).</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "Provenance:RateLimit";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests an authenticated principal may make per <see cref="Window"/>.</summary>
    public int PermitLimit { get; set; } = 600;

    /// <summary>Requests a client IP address without valid credentials may make per <see cref="Window"/>.</summary>
    public int AnonymousPermitLimit { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The framework's rate limiter, partitioned by principal (every credential of one principal
/// shares its budget) or, for callers without valid credentials, by client IP address (behind a
/// proxy, configure forwarded headers so this is the client's). A refused request gets
/// <c>429 too-many-requests</c> with <c>Retry-After</c>. Health probes are never limited.
/// </summary>
internal static class RateLimiting
{
    public static IServiceCollection AddProvenanceRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (settings.PermitLimit < 1 || settings.AnonymousPermitLimit < 1 || settings.Window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{RateLimitOptions.Section}: PermitLimit and AnonymousPermitLimit must be at least 1, and Window positive.");
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;
            if (!settings.Enabled)
            {
                return;
            }

            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var principal = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(Access.AccessClaims.Principal)?.Value : null;
                return principal is not null
                    ? RateLimitPartition.GetFixedWindowLimiter("principal:" + principal, _ => Window(settings.PermitLimit, settings.Window))
                    : RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => Window(settings.AnonymousPermitLimit, settings.Window));
            });
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyRequests,
                Title = "Too many requests",
                Detail = $"This caller has made too many requests; try again in {seconds} s.",
            },
        });
    }
}
