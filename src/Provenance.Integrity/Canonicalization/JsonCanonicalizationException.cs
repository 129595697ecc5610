namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// The JSON has no RFC 8785 canonical form: it is not valid JSON, repeats a member name, holds a
/// number that is not a finite IEEE-754 double (NaN, an infinity, or out of range), or a string that
/// is not valid Unicode (a lone surrogate).
/// </summary>
public sealed class JsonCanonicalizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonCanonicalizationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public JsonCanonicalizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
