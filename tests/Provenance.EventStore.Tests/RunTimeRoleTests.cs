using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore.Integrity;
using Provenance.EventStore.Schema;
using Provenance.EventStore.Tests.Integrity;
using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>
/// #14: a hostile insider holding the run-time role's credentials cannot write the ledger around the
/// owner's functions: no raw INSERT, UPDATE, DELETE or TRUNCATE on any ledger table, and the functions
/// it may call assign positions and compute the tree themselves, refusing what does not match the log.
/// </summary>
public sealed class RunTimeRoleTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    // A column of each ledger table, for an UPDATE statement the role is not allowed to run.
    private static readonly Dictionary<string, string> AColumnOf = new()
    {
        ["events"] = "data",
        ["streams"] = "version",
        ["log_head"] = "position",
        ["idempotency_keys"] = "key",
        ["merkle_subtrees"] = "hash",
        ["merkle_tree_head"] = "size",
        ["checkpoints"] = "note",
        ["checkpoint_cosignatures"] = "line",
        ["schema_migrations"] = "name",
    };

    public static TheoryData<string, string> RawWrites()
    {
        var data = new TheoryData<string, string>();
        foreach (var table in SchemaMigrator.LedgerTables)
        {
            data.Add(table, $"INSERT INTO provenance.{table} DEFAULT VALUES");
            data.Add(table, $"UPDATE provenance.{table} SET {AColumnOf[table]} = {AColumnOf[table]}");
            data.Add(table, $"DELETE FROM provenance.{table}");
            data.Add(table, $"TRUNCATE provenance.{table}");
        }

        return data;
    }

    [Fact]
    public void Every_ledger_table_is_covered_by_the_raw_write_tests() =>
        Assert.Equal(SchemaMigrator.LedgerTables.Order(), AColumnOf.Keys.Order());

    [Theory]
    [MemberData(nameof(RawWrites))]
    public async Task The_run_time_role_has_no_right_to_write_a_ledger_table_directly(string table, string sql)
    {
        await TreeTesting.AppendAsync(db.Store, 2);
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(app, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("permission denied for table " + table, error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_inserted_at_a_chosen_position_is_refused_and_appends_carry_on()
    {
        await TreeTesting.AppendAsync(db.Store, 3);
        var head = await db.Store.GetHeadPositionAsync();
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();

        // The attack of #14: a row two positions ahead of the head, which would have made the next
        // append fail on a duplicate key forever.
        var error = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(app,
            "INSERT INTO provenance.events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) " +
            $"SELECT {head + 2}, gen_random_uuid(), stream_id, 99, type, schema_version, data, metadata, now() FROM provenance.events WHERE position = 1"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        await TreeTesting.AppendAsync(db.Store, 3);
        Assert.Equal(head + 3, await db.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Leaves_that_are_not_the_logs_events_are_refused_and_the_tree_stays_where_it_was()
    {
        await TreeTesting.AppendAsync(db.Store, 2);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var before = await integrator.CatchUpAsync(long.MaxValue);
        await TreeTesting.AppendAsync(db.Store, 1);
        var next = await db.Store.ReadAllRawAsync(before.Size, 1).SingleAsync();
        var genuine = TreeTesting.IndependentEnvelope(next);
        var forged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine).Replace("\"count\":", "\"count\":1", StringComparison.Ordinal));

        foreach (var (from, envelope) in new[] { (before.Size, forged), (before.Size + 1, genuine), (before.Size - 1, genuine) })
        {
            await using var app = new NpgsqlConnection(db.AppConnectionString);
            await app.OpenAsync();
            await using var integrate = new NpgsqlCommand("SELECT * FROM provenance.integrate_leaves(@from, @envelopes)", app);
            integrate.Parameters.Add(new NpgsqlParameter<long>("from", from));
            integrate.Parameters.Add(new NpgsqlParameter<byte[][]>("envelopes", [envelope]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });

            var error = await Assert.ThrowsAsync<PostgresException>(() => integrate.ExecuteNonQueryAsync());
            Assert.Contains(error.SqlState, new[] { PostgresErrorCodes.InvalidParameterValue, PostgresErrorCodes.SerializationFailure });
        }

        Assert.Equal(before.RootHash, (await integrator.GetTreeHeadAsync()).RootHash);
        var after = await integrator.CatchUpAsync(long.MaxValue);
        Assert.Equal(before.Size + 1, after.Size);
        Assert.Equal((await TreeTesting.IndependentRootAsync(db.Store, after.Size)).Root, after.RootHash);
    }

    [Fact]
    public async Task A_checkpoint_is_stored_only_for_the_stored_trees_root_with_a_note_that_states_it()
    {
        await TreeTesting.AppendAsync(db.Store, 3);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var head = await integrator.CatchUpAsync(long.MaxValue);
        var root64 = Convert.ToBase64String(head.RootHash);
        var forgedRoot = SHA256.HashData("another history"u8);

        var refusals = new (long Size, byte[] Root, string Note)[]
        {
            (head.Size, forgedRoot, $"ledger\n{head.Size}\n{Convert.ToBase64String(forgedRoot)}\n\n— sig\n"),
            (head.Size + 5, head.RootHash, $"ledger\n{head.Size + 5}\n{root64}\n\n— sig\n"),
            (head.Size, head.RootHash, $"ledger\n{head.Size + 1}\n{root64}\n\n— sig\n"),
            (head.Size, head.RootHash, "forged"),
        };
        foreach (var (size, root, note) in refusals)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => RecordCheckpointAsync(size, root, note));
            Assert.Equal(PostgresErrorCodes.InvalidParameterValue, error.SqlState);
        }

        Assert.Equal(0L, await TreeTesting.ScalarAsync(db.AppConnectionString, "SELECT count(*) FROM provenance.checkpoints"));
        await RecordCheckpointAsync(head.Size, head.RootHash, $"ledger\n{head.Size}\n{root64}\n\n— sig\n");
        Assert.Equal(1L, await TreeTesting.ScalarAsync(db.AppConnectionString, "SELECT count(*) FROM provenance.checkpoints"));
    }

    [Fact]
    public async Task The_write_functions_run_as_their_owner_with_a_fixed_search_path()
    {
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT p.proname, p.prosecdef, pg_get_userbyid(p.proowner), coalesce(array_to_string(p.proconfig, ','), '') " +
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace " +
            "WHERE n.nspname = 'provenance' AND p.proname IN ('append_batch', 'integrate_leaves', 'record_checkpoint', 'merkle_root_at', 'lock_merkle_tree_head', 'record_cosignature') ORDER BY 1", app);
        await using var reader = await command.ExecuteReaderAsync();
        var functions = new List<string>();
        while (await reader.ReadAsync())
        {
            functions.Add(reader.GetString(0));
            Assert.True(reader.GetBoolean(1), $"{reader.GetString(0)} is not SECURITY DEFINER");
            Assert.Equal(TestDatabase.OwnerRole, reader.GetString(2));
            // The settings are joined by commas, and "search_path=pg_catalog, pg_temp" holds one itself.
            var settings = System.Text.RegularExpressions.Regex.Split(reader.GetString(3), ",(?=[a-z_]+=)");
            // #22: the append plans its statements once per session (planning them per call was half of a lone append).
            Assert.Equal(reader.GetString(0) == "append_batch" ? ["search_path=pg_catalog, pg_temp", "plan_cache_mode=force_generic_plan"] : ["search_path=pg_catalog, pg_temp"], settings);
        }

        Assert.Equal(["append_batch", "integrate_leaves", "lock_merkle_tree_head", "merkle_root_at", "record_checkpoint", "record_cosignature"], functions);
    }

    [Fact]
    public async Task A_cosignature_is_stored_once_for_a_stored_checkpoint_and_only_as_its_witness_line()
    {
        await TreeTesting.AppendAsync(db.Store, 2);
        using var integrator = new MerkleIntegrator(db.AppDataSource, db.Store, db.Options);
        var head = await integrator.CatchUpAsync(long.MaxValue);
        await RecordCheckpointAsync(head.Size, head.RootHash, $"ledger\n{head.Size}\n{Convert.ToBase64String(head.RootHash)}\n\n— sig\n");
        var store = new CheckpointStore(db.AppDataSource, db.Options);
        const string line = "\u2014 w1.example AAAAAA==\n";

        foreach (var (size, witness, text) in new[] { (head.Size + 100, "w1.example", line), (head.Size, "w2.example", line), (head.Size, "w1.example", "w1.example AAAAAA==\n") })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => store.RecordCosignatureAsync(size, witness, "0a1b2c3d", DateTimeOffset.UtcNow, text));
            Assert.Equal(PostgresErrorCodes.InvalidParameterValue, error.SqlState);
        }

        Assert.True(await store.RecordCosignatureAsync(head.Size, "w1.example", "0a1b2c3d", DateTimeOffset.UtcNow, line));
        Assert.False(await store.RecordCosignatureAsync(head.Size, "w1.example", "0a1b2c3d", DateTimeOffset.UtcNow, "\u2014 w1.example BBBBBB==\n"));
        Assert.Equal(line, Assert.Single(await store.GetCosignaturesAsync(head.Size)).Line);
        Assert.Equal(head.Size, await store.GetLatestCosignedSizeAsync("w1.example", "0a1b2c3d"));
    }

    private async Task RecordCheckpointAsync(long size, byte[] root, string note)
    {
        await using var app = new NpgsqlConnection(db.AppConnectionString);
        await app.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT provenance.record_checkpoint(@size, @root, @note, '0a1b2c3d')", app);
        command.Parameters.Add(new NpgsqlParameter<long>("size", size));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("root", root));
        command.Parameters.Add(new NpgsqlParameter<string>("note", note));
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// #14: appends recover by themselves once the database accepts them again, even when the statement
/// was auto-prepared in the very round trip the server refused (npgsql/npgsql#6391 left the
/// connection answering "unexpected DataRow" to every later append).
/// </summary>
public sealed class AppendRecoveryTests(EventStoreFixture db) : IClassFixture<EventStoreFixture>
{
    private const string AppendBatch =
        "provenance.append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])";

    [Fact]
    public async Task Appends_work_again_once_the_database_accepts_them_again()
    {
        // As the service connects: statements prepared from their second use, no reset on close.
        await using var source = NpgsqlDataSource.Create(db.AppConnectionString + ";Max Auto Prepare=64;Auto Prepare Min Usages=2;No Reset On Close=true");
        var store = new PostgresEventStore(source, new Serialization.EventSerializer(EventStoreFixture.NewRegistry(), EventStoreFixture.Json), db.Options);
        await AsOwnerAsync($"REVOKE EXECUTE ON FUNCTION {AppendBatch} FROM {TestDatabase.AppRole}");

        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => TreeTesting.AppendAsync(store, 1));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }

        Assert.True(store.Health.Status.Failing);
        await AsOwnerAsync($"GRANT EXECUTE ON FUNCTION {AppendBatch} TO {TestDatabase.AppRole}");

        await TreeTesting.AppendAsync(store, 3);
        Assert.False(store.Health.Status.Failing);
    }

    private async Task AsOwnerAsync(string sql)
    {
        await using var owner = new NpgsqlConnection(db.OwnerConnectionString);
        await owner.OpenAsync();
        await TestDatabase.ExecuteAsync(owner, sql);
    }
}
