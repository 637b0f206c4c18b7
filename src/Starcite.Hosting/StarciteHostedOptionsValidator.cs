using Microsoft.Extensions.Options;

namespace Starcite.Hosting;

/// <summary>
/// Runs the engine's whole validation (DataAnnotations plus the cross-field rules of
/// <see cref="StarciteOptionsValidator.ThrowIfInvalid"/>) for <c>ValidateOnStart</c>, so a host fails to start with the
/// same messages an embedded engine gives.
/// </summary>
internal sealed class StarciteHostedOptionsValidator : IValidateOptions<StarciteOptions>
{
    public ValidateOptionsResult Validate(string? name, StarciteOptions options)
    {
        // Only the default instance is the engine's; named instances are not Starcite's to judge.
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            StarciteOptionsValidator.ThrowIfInvalid(options);
            return ValidateOptionsResult.Success;
        }
        catch (OptionsValidationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Failures);
        }
    }
}
