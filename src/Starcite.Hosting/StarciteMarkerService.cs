namespace Starcite.Hosting;

/// <summary>Registered once by <c>AddStarcite</c>; its presence makes a second call add nothing but its options delegate.</summary>
internal sealed class StarciteMarkerService;
