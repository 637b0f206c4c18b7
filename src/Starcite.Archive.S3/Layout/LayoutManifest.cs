using System.Buffers;
using System.Text.Json;

namespace Starcite.Archive.S3.Layout;

/// <summary>
/// <c>{prefix}layout.json</c>: the format version and the events per chunk of a prefix. Chunk keys are computed from
/// the chunk size, so it is fixed by the first writer and read back by every later one.
/// </summary>
internal sealed record LayoutManifest(int Version, int EventsPerChunk)
{
    public const string Format = "starcite-archive-s3";

    /// <summary>The layout version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer, JsonFormats.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("format"u8, Format);
            writer.WriteNumber("version"u8, Version);
            writer.WriteNumber("events_per_chunk"u8, EventsPerChunk);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The object is not a layout manifest.</exception>
    /// <exception cref="InvalidOperationException">The layout is newer than this code.</exception>
    public static LayoutManifest Parse(byte[] data, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != Format)
            {
                throw new InvalidDataException($"{key} is not a Starcite S3 archive layout (format is not '{Format}').");
            }

            var manifest = new LayoutManifest(root.GetProperty("version").GetInt32(), root.GetProperty("events_per_chunk").GetInt32());
            if (manifest.Version > CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"{key} has layout version {manifest.Version}, newer than the {CurrentVersion} this version of Starcite.Archive.S3 " +
                    "understands; upgrade the package or use another Prefix.");
            }

            if (manifest.EventsPerChunk < 1)
            {
                throw new InvalidDataException($"{key} has an invalid events_per_chunk {manifest.EventsPerChunk}.");
            }

            return manifest;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"{key} is not a valid Starcite S3 archive layout.", e);
        }
    }
}
