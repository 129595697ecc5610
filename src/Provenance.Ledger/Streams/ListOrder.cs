using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Streams;

/// <summary>
/// The order a list is sorted in on the server (#21): one of the list's fields, or its log position
/// alone, ascending or descending (<c>?sort=name</c>, <c>?sort=-registered</c>). Ties, and the position
/// order itself, fall to the log position, so every order is total and a keyset cursor over
/// (field, position) pages it without skipping or repeating a row.
/// </summary>
internal sealed record ListOrder(string Field, bool Descending, bool Positional)
{
    /// <summary>
    /// Reads <paramref name="sort"/> against the list's fields (the first is the positional default);
    /// reports an unknown one, and an <c>after</c> cursor that is not one of this order's, on their fields.
    /// </summary>
    public static ListOrder Read(FieldErrors errors, string? sort, string? after, IReadOnlyList<string> fields)
    {
        var descending = sort?.StartsWith('-') == true;
        var field = sort is null ? fields[0] : sort.TrimStart('-');
        if (!fields.Contains(field, StringComparer.Ordinal))
        {
            errors.Add("sort", $"must be one of {string.Join(", ", fields.SelectMany(f => new[] { f, "-" + f }))}");
            field = fields[0];
        }

        var order = new ListOrder(field, descending, field == fields[0]);
        if (after is not null && order.Cursor(after) is null)
        {
            errors.Add("after", "must be a cursor returned as 'next' by an earlier page of the same order");
        }

        return order;
    }

    /// <summary>The order <paramref name="sort"/> names, once validated by <see cref="Read"/>.</summary>
    public static ListOrder Of(string? sort, IReadOnlyList<string> fields)
    {
        var field = sort is null ? fields[0] : sort.TrimStart('-');
        return new ListOrder(field, sort?.StartsWith('-') == true, field == fields[0]);
    }

    /// <summary>Decodes a cursor of this order: a position for the positional order, else the field's value and a position.</summary>
    public Keyset? Cursor(string? after)
    {
        if (after is null)
        {
            return null;
        }

        if (Positional)
        {
            return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? new Keyset(null, position) : null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(after);
            using var document = JsonDocument.Parse(bytes);
            var pair = document.RootElement;
            return pair is { ValueKind: JsonValueKind.Array } && pair.GetArrayLength() == 2 && pair[0].ValueKind == JsonValueKind.String && pair[1].TryGetInt64(out var at)
                ? new Keyset(pair[0].GetString(), at)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The cursor after a row: its position, or its field's value and its position.</summary>
    public string Next(string? key, long position) => Positional
        ? position.ToString(CultureInfo.InvariantCulture)
        : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object[] { key ?? "", position })));

    /// <summary>
    /// The SQL condition that keeps the rows after <paramref name="after"/> in this order, over the
    /// given key and position expressions and the parameters <c>@after_key</c> and <c>@after_position</c>.
    /// </summary>
    public string After(Keyset? after, string key, string position)
    {
        var comparison = Descending ? "<" : ">";
        return after is null ? "true"
            : Positional ? $"{position} {comparison} @after_position"
            : $"({key}, {position}) {comparison} (@after_key, @after_position)";
    }

    /// <summary>The ORDER BY list of this order.</summary>
    public string OrderBy(string key, string position)
    {
        var direction = Descending ? " DESC" : "";
        return Positional ? $"{position}{direction}" : $"{key}{direction}, {position}{direction}";
    }
}

/// <summary>Where a page starts: after the row with this field value (null for the positional order) and position.</summary>
internal readonly record struct Keyset(string? Key, long Position);
