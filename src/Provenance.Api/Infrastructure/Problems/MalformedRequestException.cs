using Provenance.Ledger.Infrastructure.Problems;
namespace Provenance.Api.Infrastructure.Problems;

/// <summary>A request the API itself finds malformed (400), with a message written for the client.</summary>
internal sealed class MalformedRequestException(string message) : BadHttpRequestException(message, StatusCodes.Status400BadRequest);
