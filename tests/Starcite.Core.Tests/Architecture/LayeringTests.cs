using System.Reflection;

namespace Starcite.Tests.Architecture;

/// <summary>House-style layering rules, checked by reflection over Starcite.Core's own types.</summary>
[Trait("Category", "Unit")]
public sealed class LayeringTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Assembly Core = typeof(StarciteEngine).Assembly;

    [Fact]
    public void FasterTypes_AppearOnlyUnderStorageFaster()
    {
        var offenders = CoreTypes()
            .Where(type => !(type.Namespace ?? "").StartsWith("Starcite.Storage.Faster", StringComparison.Ordinal))
            .SelectMany(type => ReferencedTypes(type).Where(IsFaster).Select(faster => $"{type.FullName} uses {faster.FullName}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void PublicApi_ExposesNoThirdPartyStorageType()
    {
        var offenders = Core.GetExportedTypes()
            .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .SelectMany(SignatureTypes)
                .Where(IsFaster)
                .Select(faster => $"{type.FullName} exposes {faster.FullName}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Storage_DoesNotReferenceTailing()
    {
        var offenders = CoreTypes()
            .Where(type => (type.Namespace ?? "").StartsWith("Starcite.Storage", StringComparison.Ordinal))
            .SelectMany(type => ReferencedTypes(type)
                .Where(used => (used.Namespace ?? "").StartsWith("Starcite.Tailing", StringComparison.Ordinal))
                .Select(used => $"{type.FullName} uses {used.FullName}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Core_DoesNotReferenceAspNetCoreOrHosting()
    {
        var references = Core.GetReferencedAssemblies().Select(name => name.Name ?? "").ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain("Microsoft.Extensions.Hosting", references);
    }

    private static IEnumerable<Type> CoreTypes() =>
        Core.GetTypes().Where(type => type.Namespace?.StartsWith("Starcite", StringComparison.Ordinal) == true && !type.Name.Contains('<', StringComparison.Ordinal));

    private static bool IsFaster(Type type) => type.Assembly.GetName().Name == "FASTER.core";

    private static IEnumerable<Type> ReferencedTypes(Type type) =>
        type.GetMembers(Everything).SelectMany(SignatureTypes).Concat(type.GetInterfaces()).Concat(type.BaseType is { } b ? [b] : []);

    private static IEnumerable<Type> SignatureTypes(MemberInfo member) => (member switch
    {
        FieldInfo field => [field.FieldType],
        PropertyInfo property => [property.PropertyType],
        MethodInfo method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType),
        ConstructorInfo ctor => ctor.GetParameters().Select(p => p.ParameterType),
        _ => Enumerable.Empty<Type>(),
    }).SelectMany(Flatten);

    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.HasElementType)
        {
            return Flatten(type.GetElementType()!);
        }

        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten).Prepend(type.GetGenericTypeDefinition()) : [type];
    }
}
