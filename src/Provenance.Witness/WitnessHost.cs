using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Provenance.Witness;

/// <summary>
/// The witness's HTTP host (c2sp.org/tlog-witness): <c>POST /add-checkpoint</c>, and <c>GET /</c>
/// which names the witness, its verifier key and the logs it witnesses with the latest size it
/// cosigned for each (text, for operators and monitors).
/// </summary>
public static class WitnessHost
{
    /// <summary>Builds the host, listening on <paramref name="urls"/> (e.g. http://127.0.0.1:7380).</summary>
    public static WebApplication Build(WitnessOptions options, string urls, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = WitnessOptions.MaxRequestBytes);
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        }
        else
        {
            logging(builder.Logging);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(s => new Witness(options, s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<Witness>>()));
        var app = builder.Build();
        // Open the state before listening: a witness that can't read its state must not answer.
        _ = app.Services.GetRequiredService<Witness>();
        app.MapPost("/add-checkpoint", AddCheckpointAsync);
        app.MapGet("/", (Witness witness) =>
        {
            var text = new StringBuilder($"Provenance witness {witness.Key.Name}\nverifier key: {witness.Key}\n");
            foreach (var log in witness.Logs.OrderBy(l => l.Name, StringComparer.Ordinal))
            {
                text.Append($"log {log.Name}: latest cosigned size {witness.Latest(log.Name)?.Size ?? 0}\n");
            }

            return Results.Text(text.ToString(), "text/plain; charset=utf-8");
        });
        return app;
    }

    private static async Task<IResult> AddCheckpointAsync(HttpContext context, Witness witness)
    {
        string body;
        try
        {
            using var reader = new StreamReader(context.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        catch (DecoderFallbackException)
        {
            return Results.Text("The request body is not UTF-8.\n", "text/plain; charset=utf-8", statusCode: 400);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Text($"An add-checkpoint request is at most {WitnessOptions.MaxRequestBytes} bytes.\n", "text/plain; charset=utf-8", statusCode: 413);
        }

        var answer = witness.AddCheckpoint(body);
        return Results.Text(answer.Body, answer.ContentType, Encoding.UTF8, answer.Status);
    }
}
