using System.Buffers.Binary;

namespace Starcite.Server.Tests.TestSupport;

/// <summary>
/// The client's side of a WebSocket on a bare socket (RFC 6455): the upgrade request, and the header of a frame the
/// server sends (never masked). Shared by the tests' <c>RawWebSocket</c> and the load tool's raw subscribers (which links this file).
/// </summary>
public static class WebSocketFrames
{
    /// <summary>The upgrade request for <paramref name="pathAndQuery"/>, with the RFC's sample key.</summary>
    public static string UpgradeRequest(Uri server, string pathAndQuery) =>
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    /// <summary>The length of a frame's header, known from its second byte: 2, or 4 / 10 with an extended length.</summary>
    public static int HeaderLength(byte second) => (second & 0x7F) switch
    {
        126 => 4,
        127 => 10,
        _ => 2,
    };

    /// <summary>The opcode of a frame (0x1 text, 0x9 ping, 0x0 a continuation), from its first byte.</summary>
    public static int Opcode(byte first) => first & 0x0F;

    /// <summary>The payload length from a whole header (<see cref="HeaderLength"/> bytes).</summary>
    public static long PayloadLength(ReadOnlySpan<byte> header) => header.Length switch
    {
        4 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
        10 => (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
        _ => header[1] & 0x7F,
    };
}
