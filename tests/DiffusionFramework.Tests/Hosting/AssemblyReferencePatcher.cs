using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace DiffusionFramework.Tests.Hosting;

/// <summary>
/// Rewrites the version of one AssemblyRef row in a compiled assembly, to make a plugin "built against" another
/// contract. ECMA-335 II.22.5: an AssemblyRef row starts with MajorVersion, MinorVersion, BuildNumber,
/// RevisionNumber (2 bytes each, little-endian).
/// </summary>
internal static class AssemblyReferencePatcher
{
    public static void SetReferencedVersion(string assemblyPath, string referencedName, ushort major, ushort minor)
    {
        byte[] image = File.ReadAllBytes(assemblyPath);
        int rowOffset;
        using (var pe = new PEReader(new MemoryStream(image)))
        {
            MetadataReader metadata = pe.GetMetadataReader();
            AssemblyReferenceHandle handle = metadata.AssemblyReferences
                .Single(h => metadata.GetString(metadata.GetAssemblyReference(h).Name) == referencedName);
            rowOffset = pe.PEHeaders.MetadataStartOffset
                        + metadata.GetTableMetadataOffset(TableIndex.AssemblyRef)
                        + (MetadataTokens.GetRowNumber(handle) - 1) * metadata.GetTableRowSize(TableIndex.AssemblyRef);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(rowOffset), major);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(rowOffset + 2), minor);
        File.WriteAllBytes(assemblyPath, image);
    }

    /// <summary>The version of <paramref name="referencedName"/> that the assembly references, read back.</summary>
    public static Version ReferencedVersion(string assemblyPath, string referencedName)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(metadata.GetAssemblyReference)
            .Single(r => metadata.GetString(r.Name) == referencedName).Version;
    }
}
