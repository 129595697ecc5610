namespace Provenance.Api.Infrastructure.Problems;

/// <summary>The addressed resource does not exist (or is not of the addressed kind).</summary>
internal sealed class NotFoundException(string resource, Guid id) : Exception($"No {resource} has the id {id}.")
{
    public string Resource { get; } = resource;

    public Guid Id { get; } = id;
}
