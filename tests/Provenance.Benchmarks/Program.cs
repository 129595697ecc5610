using Provenance.Benchmarks;

// The benchmark driver. Each command prints human-readable lines, and its figures as
// "RESULT <name>=<value>" lines that deploy/bench.sh collects into docs/benchmarks.md.
//   load     --connection CS [--migrations-connection CS] --events N [--seed S] [--chains C --depth D]
//   lineage  --url URL --model ID [--version V] [--warmup N] [--iterations N]
//   verify-synthetic [--events N] [--seed S] [--zip true]   (offline: writes and verifies an audit bundle)
//   appends  --connection CS [--migrations-connection CS] [--writers 1,8,32] [--batch-writers 1,4|none] [--seconds S] [--repeat R]   (on a database of its own, or a loaded ledger for the growth table)
//   rebuild  --connection CS [--migrations-connection CS]   (every projection, from the whole log)
//   export   --url URL   (signs a checkpoint, downloads the whole ledger's bundle, verifies it offline; PROVENANCE_API_KEY)
//   index-appends --connection CS [--migrations-connection CS] [--writers 32] [--seconds S]   (stream index on and off; a database of its own)
//   marten   --connection CS [--migrations-connection CS] [--writers 1,8,32] [--batch-writers 1,4] [--seconds S] [--hold-seconds H]   (#20: Marten side by side; a database of its own)
//   stream-index  --connection CS [--migrations-connection CS] [--rounds R] [--appends N]   (on a loaded scenario: catch-up, signing, proof sizes)
//   payload  (prints the single-event append's JSON, for the pgbench baseline of the same payload, #22)
//   prov-memory [--events N] [--seed S] [--chains C --depth D]   (#22: the whole-ledger PROV document's memory, on the builder alone; no database)
var command = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
try
{
    return command switch
    {
        "load" => await ScenarioLoad.RunAsync(options),
        "lineage" => await LineageLatency.RunAsync(options),
        "verify-synthetic" => await BundleVerification.RunAsync(options),
        "appends" => await AppendThroughput.RunAsync(options),
        "rebuild" => await ProjectionRebuild.RunAsync(options),
        "export" => await ExportVerification.RunAsync(options),
        "index-appends" => await StreamIndexCost.AppendsAsync(options),
        "stream-index" => await StreamIndexCost.ScenarioAsync(options),
        "marten" => await MartenComparison.RunAsync(options),
        "payload" => AppendThroughput.PrintPayload(),
        "prov-memory" => await ProvMemory.RunAsync(options),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Provenance.Benchmarks load|lineage|verify-synthetic|appends|rebuild|export|index-appends|stream-index|marten|payload|prov-memory [--option value ...] (see Program.cs)");
    return 2;
}
