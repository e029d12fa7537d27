using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks as weak (VER_FLG_WEAK) every libstdc++ version that libLibTorchSharp.so needs but the system libstdc++
/// does not define, in the copies of that library under <see cref="Directory"/>. See LibStdCxxCompat.targets.
/// </summary>
public sealed class WeakenMissingLibStdCxxVersions : Task
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The output folder to scan for libLibTorchSharp.so.</summary>
    [Required]
    public string Directory { get; set; }

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory))
            return true;
        string[] targets = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (targets.Length == 0)
            return true;
        string system = FindSystemLibStdCxx();
        if (system == null)
        {
            Log.LogMessage(MessageImportance.Normal, "libstdc++ compat: no system libstdc++.so.6 found; nothing patched.");
            return true;
        }
        HashSet<string> provided = DefinedVersions(File.ReadAllBytes(system));
        foreach (string path in targets)
        {
            byte[] elf = File.ReadAllBytes(path);
            List<string> weakened = WeakenMissing(elf, provided);
            if (weakened.Count == 0)
                continue;
            // A new file renamed over the output copy: a hard link into the NuGet cache is replaced, not edited.
            string temp = path + ".weaken-" + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temp, elf);
            CopyUnixFileMode(path, temp);
            File.Replace(temp, path, null);
            Log.LogMessage(MessageImportance.High,
                $"libstdc++ compat: marked {string.Join(", ", weakened)} weak in {path} (system {system} lacks them).");
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Copies the permission bits (File.Get/SetUnixFileMode exist at run time, not in netstandard).</summary>
    private static void CopyUnixFileMode(string from, string to)
    {
        MethodInfo get = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        MethodInfo set = get == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), get.ReturnType });
        if (set != null)
            set.Invoke(null, new[] { to, get.Invoke(null, new object[] { from }) });
    }

    private static string FindSystemLibStdCxx()
    {
        string[] dirs =
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };
        foreach (string dir in dirs)
        {
            string candidate = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>Version names in .gnu.version_d of a shared library.</summary>
    private static HashSet<string> DefinedVersions(byte[] elf)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        List<Section> sections = Sections(elf);
        foreach (Section s in sections)
        {
            if (s.Type != ShtGnuVerdef)
                continue;
            long strtab = sections[(int)s.Link].Offset;
            long entry = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                uint aux = U32(elf, entry + 12);
                uint name = U32(elf, entry + aux);
                names.Add(CString(elf, strtab + name));
                uint next = U32(elf, entry + 16);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return names;
    }

    /// <summary>Sets VER_FLG_WEAK on libstdc++ version needs not in <paramref name="provided"/>; returns their names.</summary>
    private static List<string> WeakenMissing(byte[] elf, HashSet<string> provided)
    {
        var weakened = new List<string>();
        List<Section> sections = Sections(elf);
        foreach (Section s in sections)
        {
            if (s.Type != ShtGnuVerneed)
                continue;
            long strtab = sections[(int)s.Link].Offset;
            long need = s.Offset;
            for (uint i = 0; i < s.Info; i++)
            {
                ushort count = U16(elf, need + 2);
                string file = CString(elf, strtab + U32(elf, need + 4));
                long aux = need + U32(elf, need + 8);
                for (int j = 0; j < count; j++)
                {
                    string version = CString(elf, strtab + U32(elf, aux + 8));
                    ushort flags = U16(elf, aux + 4);
                    if (file.StartsWith("libstdc++", StringComparison.Ordinal) && !provided.Contains(version)
                        && (flags & VerFlgWeak) == 0)
                    {
                        elf[aux + 4] = (byte)((flags | VerFlgWeak) & 0xff);
                        weakened.Add(version);
                    }
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0)
                        break;
                    aux += nextAux;
                }
                uint next = U32(elf, need + 12);
                if (next == 0)
                    break;
                need += next;
            }
        }
        return weakened;
    }

    private struct Section
    {
        public uint Type;
        public long Offset;
        public uint Link;
        public uint Info;
    }

    /// <summary>Section headers of a little-endian ELF64 file; empty for anything else.</summary>
    private static List<Section> Sections(byte[] elf)
    {
        var list = new List<Section>();
        bool isElf64Le = elf.Length > 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L'
                         && elf[3] == (byte)'F' && elf[4] == 2 && elf[5] == 1;
        if (!isElf64Le)
            return list;
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        ushort shentsize = U16(elf, 0x3A);
        ushort shnum = U16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            list.Add(new Section
            {
                Type = U32(elf, h + 4),
                Offset = (long)BitConverter.ToUInt64(elf, (int)(h + 0x18)),
                Link = U32(elf, h + 0x28),
                Info = U32(elf, h + 0x2C),
            });
        }
        return list;
    }

    private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);

    private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);

    private static string CString(byte[] b, long at)
    {
        int end = (int)at;
        while (b[end] != 0)
            end++;
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
