using Microsoft.AspNetCore.Rewrite;
using Microsoft.Extensions.FileProviders;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// #8: serves the lineage explorer's static page and assets (built from <c>src/Provenance.Explorer</c>
/// into <c>wwwroot/explorer</c>) at <c>/explorer/</c>. They are public: they hold no ledger data, and
/// every read the page makes carries the API key its user signs in with.
/// </summary>
internal static class ExplorerHosting
{
    public const string Path = "/explorer";

    public static WebApplication UseExplorer(this WebApplication app)
    {
        var folder = System.IO.Path.Combine(app.Environment.WebRootPath ?? System.IO.Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "explorer");
        if (!File.Exists(System.IO.Path.Combine(folder, "index.html")))
        {
            // Not built (a source checkout without npm): say how, rather than a bare 404.
            app.Map(Path, branch => branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("The lineage explorer was not built: run `npm ci && npm run build` in src/Provenance.Explorer (deploy/run.sh does).\n");
            }));
            return app;
        }

        var files = new PhysicalFileProvider(folder);
        app.UseRewriter(new RewriteOptions().AddRedirect("^explorer$", "explorer/"));
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = files,
            // Revalidated on every load, so a new build is picked up at once.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
