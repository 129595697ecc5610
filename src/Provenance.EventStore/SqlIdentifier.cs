namespace Provenance.EventStore;

/// <summary>Quoting of SQL identifiers that come from configuration (never from requests).</summary>
internal static class SqlIdentifier
{
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        if (identifier.Any(c => c is '\0'))
        {
            throw new ArgumentException("An identifier cannot contain NUL.", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
