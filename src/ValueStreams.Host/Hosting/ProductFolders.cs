namespace ValueStreams.Host.Hosting;

/// <summary>The product root and the folder of value stream files shipped in it.</summary>
public sealed record ProductFolders(string Root)
{
    public string Workflows => Path.Combine(Root, "workflows");
}
