namespace Provenance.Ledger.Infrastructure.Problems;

/// <summary>The addressed resource does not exist (or is not of the addressed kind).</summary>
internal sealed class NotFoundException : Exception
{
    public NotFoundException(string resource, Guid id)
        : base($"No {resource} has the id {id}.")
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
    }
}
