using System.Net.Http.Json;
using System.Text;

namespace Provenance.Api.Tests;

internal static class Requests
{
    public static object ValidDataset(string name = "Mercy structured EHR 2019-2023") => new
    {
        name,
        description = "Encounters, diagnoses, labs and medications of adult inpatients.",
        steward = "Dana Whitfield, Data Governance",
        sourceInstitution = "Mercy Regional Health",
        modality = "structured-ehr",
        collectionPeriod = new { start = "2019-01-01", end = "2023-12-31" },
        recordCount = 1_250_000,
        patientCount = 310_000,
    };

    public static HttpRequestMessage Post(string path, object body, string? idempotencyKey = null, string? correlationId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (correlationId is not null)
        {
            request.Headers.Add("X-Correlation-Id", correlationId);
        }

        return request;
    }

    public static HttpRequestMessage PostRaw(string path, string body, string contentType = "application/json") =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
}
