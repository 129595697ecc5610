using System.Globalization;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Streams;

internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void Validate(FieldErrors errors, string? after, int? limit)
    {
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("after", "must be a cursor returned as 'next' by an earlier page");
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        }
    }

    public static long After(string? after) => after is null ? 0 : long.Parse(after, CultureInfo.InvariantCulture);

    public static string? Next(long? position) => position?.ToString(CultureInfo.InvariantCulture);
}
