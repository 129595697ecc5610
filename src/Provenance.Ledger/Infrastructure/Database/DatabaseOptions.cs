using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Provenance.Ledger.Infrastructure.Database;

/// <summary>
/// Where the ledger lives. <c>ConnectionStrings:Provenance</c> is the run-time role (reads and
/// appends only); <c>ConnectionStrings:ProvenanceMigrations</c>, when set, is the owner role that
/// migrates the schema at start-up and grants the run-time role its rights.
/// </summary>
internal sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Provenance:Database";

    public string? ConnectionString { get; set; }

    public string? MigrationsConnectionString { get; set; }

    public string Schema { get; set; } = "provenance";

    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// #8: an instance on a streaming replica, serving reads only: it migrates nothing, starts no
    /// background writer and answers every request but GET, HEAD and OPTIONS with 503.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// The service's connections. PostgreSQL's JIT compilation is turned off for them (unless the
    /// connection string's Options say otherwise): the service runs short indexed queries, and JIT
    /// costs them tens of milliseconds of compilation whenever a large IN-list inflates the plan's cost.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.Options?.Contains("jit", StringComparison.Ordinal) != true)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c jit=off".Trim();
        }

        // #7: no DISCARD ALL when a connection goes back to the pool. It also discards the server's
        // cached plans, so every append re-planned each statement of append_batch (about 1 ms of
        // a 1.4 ms call). The service sets no session state that a reset would have to clear.
        builder.ConnectionStringBuilder.NoResetOnClose = true;

        // #7: statements run again and again are prepared, so the server plans them once per
        // connection instead of on every call (planning the API key lookup cost more than running it).
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        return builder.Build();
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "ConnectionStrings:Provenance is not set: give the PostgreSQL connection string of the ledger " +
                "(environment variable ConnectionStrings__Provenance), or start the service with deploy/run.sh.");
            yield break;
        }

        foreach (var (name, value) in new[] { ("ConnectionStrings:Provenance", ConnectionString), ("ConnectionStrings:ProvenanceMigrations", MigrationsConnectionString) })
        {
            if (value is null)
            {
                continue;
            }

            string? error = null;
            try
            {
                _ = new NpgsqlConnectionStringBuilder(value);
            }
            catch (ArgumentException e)
            {
                error = $"{name} is not a valid PostgreSQL connection string: {e.Message}";
            }

            if (error is not null)
            {
                yield return new ValidationResult(error);
            }
        }
    }

    /// <summary>The run-time role's user name, granted rights by the migrations when they run as another role.</summary>
    public string? ApplicationRole()
    {
        if (MigrationsConnectionString is null)
        {
            return null;
        }

        var app = new NpgsqlConnectionStringBuilder(ConnectionString).Username;
        var owner = new NpgsqlConnectionStringBuilder(MigrationsConnectionString).Username;
        return app is not null && !string.Equals(app, owner, StringComparison.Ordinal) ? app : null;
    }
}
