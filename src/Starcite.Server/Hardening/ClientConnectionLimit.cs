using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Starcite.Server.Auth;

namespace Starcite.Server.Hardening;

/// <summary>
/// At most <see cref="ServerOptions.MaxConnectionsPerClient"/> open connections per client IP address, counted at the
/// connection level: a connection over the limit is closed before Kestrel reads a byte of it.
/// </summary>
internal sealed class ClientConnectionLimit(int limit, ILogger logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var address })
        {
            await next(connection); // not an IP connection (a Unix socket): nothing to count
            return;
        }

        if (!TryEnter(address))
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var client = address.ToString();
                AuthLog.ConnectionRefused(logger, client, limit);
            }

            connection.Abort(new ConnectionAbortedException("Too many connections from this client"));
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Exit(address);
        }
    };

    private bool TryEnter(IPAddress address)
    {
        while (true)
        {
            if (_open.TryGetValue(address, out var open))
            {
                if (open >= limit)
                {
                    return false;
                }

                if (_open.TryUpdate(address, open + 1, open))
                {
                    return true;
                }
            }
            else if (_open.TryAdd(address, 1))
            {
                return true;
            }
        }
    }

    private void Exit(IPAddress address)
    {
        while (true)
        {
            var open = _open[address];
            if (open == 1 ? _open.TryRemove(KeyValuePair.Create(address, 1)) : _open.TryUpdate(address, open - 1, open))
            {
                return;
            }
        }
    }
}
