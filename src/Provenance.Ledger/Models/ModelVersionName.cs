using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models;

/// <summary>How a model version is named: at most 64 letters, digits and <c>. - _ +</c> (it is part of addresses).</summary>
internal static class ModelVersionName
{
    public static string Parse(FieldErrors errors, string field, string? version)
    {
        var text = errors.Text(field, version, maxLength: 64);
        if (text.Length > 0 && !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+'))
        {
            errors.Add(field, "may hold only letters, digits and . - _ +");
        }

        return text;
    }
}
