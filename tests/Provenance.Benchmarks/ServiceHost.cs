using Provenance.Api.Extensions;

namespace Provenance.Benchmarks;

/// <summary>The API's own service registrations, without its web server, for in-process benchmarks.</summary>
internal static class ServiceHost
{
    public static WebApplication Build(string connection, string? migrationsConnection, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Provenance"] = connection;
        builder.Configuration["ConnectionStrings:ProvenanceMigrations"] = migrationsConnection ?? connection;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.AddApplicationServices();
        return builder.Build();
    }
}
