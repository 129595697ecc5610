using Npgsql;

namespace Provenance.EventStore.Schema;

/// <summary>
/// Creates and upgrades the event store's schema: numbered, forward-only migrations, each in its
/// own transaction, recorded in <c>schema_migrations</c> with a checksum. Safe when several
/// instances start at once (a session advisory lock serializes them). Never destructive.
/// </summary>
public sealed class SchemaMigrator
{
    private const long AdvisoryLockKey = 0x5052_4F56_4D49_4752; // "PROVMIGR"

    private readonly NpgsqlDataSource _ownerDataSource;
    private readonly string _schema;
    private readonly string _schemaName;
    private readonly IReadOnlyList<Migration> _migrations;

    /// <summary>Creates a migrator that connects through a data source of the schema's owner role.</summary>
    /// <param name="ownerDataSource">Connections as the role that owns (or may create) the schema.</param>
    /// <param name="options">The store's options (the schema name).</param>
    /// <param name="extraMigrations">Migrations of other assemblies (projections), numbered after the store's.</param>
    public SchemaMigrator(NpgsqlDataSource ownerDataSource, EventStoreOptions options, IEnumerable<Migration>? extraMigrations = null)
    {
        ArgumentNullException.ThrowIfNull(ownerDataSource);
        ArgumentNullException.ThrowIfNull(options);
        _ownerDataSource = ownerDataSource;
        _schema = SqlIdentifier.Quote(options.Schema);
        _schemaName = options.Schema;
        var all = Migration.FromAssembly(typeof(SchemaMigrator).Assembly).Concat(extraMigrations ?? []).OrderBy(m => m.Version).ToList();
        var duplicate = all.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations are numbered {duplicate.Key}.");
        }

        _migrations = all;
    }

    /// <summary>The migrations this migrator knows, in order.</summary>
    public IReadOnlyList<Migration> Migrations => _migrations;

    /// <summary>
    /// Applies every pending migration, then grants <paramref name="applicationRole"/> (when given)
    /// the least it needs: reading everything, and writing the ledger only through the functions
    /// that assign positions and compute the Merkle tree (no INSERT, UPDATE or DELETE on its tables).
    /// Returns the versions applied by this call.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(string? applicationRole, CancellationToken cancellationToken = default)
    {
        await using var connection = await _ownerDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection,
                $"CREATE SCHEMA IF NOT EXISTS {_schema}; " +
                $"CREATE TABLE IF NOT EXISTS {_schema}.{EventStoreTables.SchemaMigrations} (" +
                "version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken).ConfigureAwait(false);

            var applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            var appliedNow = new List<int>();
            foreach (var migration in _migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version} ({migration.Name}) was changed after it was applied. " +
                            "Applied migrations are immutable: add a new migration instead.");
                    }

                    continue;
                }

                await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
                appliedNow.Add(migration.Version);
            }

            if (!string.IsNullOrWhiteSpace(applicationRole))
            {
                await GrantAsync(connection, applicationRole, cancellationToken).ConfigureAwait(false);
            }

            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {_schema}.{EventStoreTables.SchemaMigrations}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0), reader.GetString(1));
        }

        return applied;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(migration.Sql.Replace("{schema}", _schema, StringComparison.Ordinal), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var record = new NpgsqlCommand(
            $"INSERT INTO {_schema}.{EventStoreTables.SchemaMigrations} (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<int>("version", migration.Version));
            record.Parameters.Add(new NpgsqlParameter<string>("name", migration.Name));
            record.Parameters.Add(new NpgsqlParameter<string>("checksum", migration.Checksum));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task GrantAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        var grantee = SqlIdentifier.Quote(role);
        var ledgerTables = string.Join(", ", LedgerTables.Select(t => $"{_schema}.{SqlIdentifier.Quote(t)}"));
        // #14: the application role reads everything and writes the ledger only through the owner's
        // functions (SECURITY DEFINER), which assign positions and compute the tree themselves. Rights
        // granted by earlier versions are revoked here, so an upgraded database ends the same.
        await ExecuteAsync(connection,
            $"GRANT USAGE ON SCHEMA {_schema} TO {grantee}; " +
            $"GRANT SELECT ON ALL TABLES IN SCHEMA {_schema} TO {grantee}; " +
            $"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {ledgerTables} FROM {grantee}; " +
            string.Concat(WriteFunctions.Select(f => $"GRANT EXECUTE ON FUNCTION {_schema}.{f} TO {grantee}; ")) +
            // Projections keep their read models in tables named rm_* and move their checkpoints;
            // those are derived data, rebuilt from the log at will.
            $"GRANT INSERT, UPDATE ON {_schema}.{EventStoreTables.ProjectionCheckpoints} TO {grantee}; " +
            "DO $grant$ DECLARE t text; BEGIN " +
            $"FOR t IN SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = {SqlLiteral(_schemaName)} AND tablename LIKE 'rm!_%' ESCAPE '!' LOOP " +
            $"EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON {_schema.Replace("'", "''", StringComparison.Ordinal)}.' || t || ' TO {grantee.Replace("'", "''", StringComparison.Ordinal)}'; " +
            "END LOOP; END $grant$",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tables of the ledger itself: the run-time role may read them, never write them directly.</summary>
    public static IReadOnlyList<string> LedgerTables => EventStoreTables.Ledger;

    // The functions through which the run-time role writes the ledger (owned by the schema's owner).
    private static readonly string[] WriteFunctions =
    [
        "append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])",
        "integrate_leaves(bigint, bytea[])",
        "record_checkpoint(bigint, bytea, text, text)",
        "merkle_root_at(bigint)",
        "lock_merkle_tree_head()",
        "record_cosignature(bigint, text, text, timestamptz, text)",
    ];

    private static string SqlLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
