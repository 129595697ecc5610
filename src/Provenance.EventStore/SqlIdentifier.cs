namespace Provenance.EventStore;

/// <summary>Quoting of SQL identifiers that come from configuration or code (never from requests).</summary>
public static class SqlIdentifier
{
    /// <summary>The identifier in double quotes, inner quotes doubled: <c>my"schema</c> is <c>"my""schema"</c>.</summary>
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        if (identifier.Any(c => c is '\0'))
        {
            throw new ArgumentException("An identifier cannot contain NUL.", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A table of a schema, both quoted: <c>"schema"."table"</c>.</summary>
    public static string Qualify(string schema, string table) => Quote(schema) + "." + Quote(table);
}
