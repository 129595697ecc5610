namespace Provenance.Cli.Importing;

/// <summary>The counts of an import so far, and the first few failures for the report.</summary>
internal sealed class ImportTally(int failuresKept)
{
    private readonly List<ImportResult> _firstFailures = [];

    public long Created { get; private set; }

    public long Replayed { get; private set; }

    public long Failed { get; private set; }

    public long Total => Created + Replayed + Failed;

    public IReadOnlyList<ImportResult> FirstFailures => _firstFailures;

    public void Count(ImportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.WasReplayed)
        {
            Replayed++;
        }
        else if (result.Succeeded)
        {
            Created++;
        }
        else
        {
            Failed++;
            if (_firstFailures.Count < failuresKept)
            {
                _firstFailures.Add(result);
            }
        }
    }
}
