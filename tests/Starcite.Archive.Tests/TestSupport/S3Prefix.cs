using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Starcite.Archive.S3;

namespace Starcite.Archive.Tests.TestSupport;

/// <summary>
/// A key prefix of its own for one test in the suite's bucket, and a raw S3 client to look at what the store wrote.
/// Its objects are deleted afterwards.
/// </summary>
public sealed class S3Prefix : IAsyncDisposable
{
    public S3Prefix()
    {
        Endpoint = TestEnvironment.S3Endpoint;
        Bucket = TestEnvironment.S3Bucket;
        Name = $"tests/{Guid.NewGuid():N}/";
        Client = new AmazonS3Client(new BasicAWSCredentials(TestEnvironment.S3AccessKey, TestEnvironment.S3SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = TestEnvironment.S3Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string Endpoint { get; }

    public string Bucket { get; }

    public string Name { get; }

    public AmazonS3Client Client { get; }

    public S3ArchiveOptions Options(int eventsPerChunk = S3ArchiveOptions.DefaultEventsPerChunk, string? endpoint = null) => new()
    {
        Bucket = Bucket,
        Endpoint = endpoint ?? Endpoint,
        Region = TestEnvironment.S3Region,
        AccessKeyId = TestEnvironment.S3AccessKey,
        SecretAccessKey = TestEnvironment.S3SecretKey,
        ForcePathStyle = true,
        Prefix = Name,
        EventsPerChunk = eventsPerChunk,
    };

    /// <summary>Every key under the prefix, relative to it, in key order.</summary>
    public async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Name, ContinuationToken = token },
                TestContext.Current.CancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key[Name.Length..]));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return keys;
    }

    public async Task<byte[]> GetAsync(string relativeKey)
    {
        using var response = await Client.GetObjectAsync(Bucket, Name + relativeKey, TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }

    /// <summary>Puts raw bytes, optionally with the length metadata the store records on its uploads.</summary>
    public Task PutAsync(string relativeKey, byte[] data, int? recordedLength = null)
    {
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = Name + relativeKey,
            InputStream = new MemoryStream(data),
            UseChunkEncoding = false,
        };
        if (recordedLength is { } length)
        {
            request.Metadata.Add("starcite-length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Client.PutObjectAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            string? token = null;
            do
            {
                var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Name, ContinuationToken = token });
                var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
                if (keys.Count > 0)
                {
                    await Client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Bucket, Objects = keys });
                }

                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
        }
        finally
        {
            Client.Dispose();
        }
    }
}
