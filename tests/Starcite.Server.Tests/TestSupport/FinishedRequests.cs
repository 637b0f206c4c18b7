using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>
/// Sees, from outside the whole pipeline (exception handler included), each request the server has finished with and
/// the status it set, so a test can wait for the server's handling of a request whose client never reads the answer.
/// </summary>
public sealed class FinishedRequests : IStartupFilter
{
    private readonly Channel<(int ClientPort, int Status)> _finished = Channel.CreateUnbounded<(int, int)>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            try
            {
                await inner(context);
            }
            finally
            {
                _finished.Writer.TryWrite((context.Connection.RemotePort, context.Response.StatusCode));
            }
        });
        next(app);
    };

    /// <summary>The status of the next finished request from the client's port <paramref name="clientPort"/>.</summary>
    public async Task<int> NextFromAsync(int clientPort, CancellationToken cancellationToken)
    {
        await foreach (var (port, status) in _finished.Reader.ReadAllAsync(cancellationToken))
        {
            if (port == clientPort)
            {
                return status;
            }
        }

        throw new InvalidOperationException("The server stopped");
    }
}
