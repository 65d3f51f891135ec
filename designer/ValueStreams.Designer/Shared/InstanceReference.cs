namespace ValueStreams.Designer.Shared;

/// <summary>
/// The short reference people use for an instance until it has a record number. Instance ids are time-ordered
/// (UUID version 7), so their first characters are shared by every instance started in the same minute; the last
/// eight are random, which is what tells two instances apart.
/// </summary>
public static class InstanceReference
{
    public const int Length = 8;

    public static string Of(string instanceId) => instanceId.Length > Length ? instanceId[^Length..] : instanceId;
}
