package dev.flowstage.storage.repo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.util.FS;

/**
 * Garbage collection of a repository that borrows objects through {@code objects/info/alternates} (a
 * device of a group): like {@code git repack -a -d -l}, one pack of what its refs reach <em>except</em> what
 * its lenders hold, then the old packs and the loose objects that pack or a lender now holds are removed.
 * JGit's GC would copy every borrowed object into the borrower's pack, undoing the sharing. The caller
 * holds the repository's exclusive {@link RepoLocks} side, so no writer adds objects meanwhile.
 */
final class BorrowerRepack {
    private BorrowerRepack() {}

    /** Whether the repository at {@code gitDir} borrows objects from others. */
    static boolean borrows(Path gitDir) {
        return Files.exists(alternatesFile(gitDir));
    }

    static void repack(FileRepository repo) throws IOException {
        Path gitDir = repo.getDirectory().toPath();
        List<ObjectDirectory> lenders = new ArrayList<>();
        try {
            Path objects = gitDir.resolve("objects");
            for (String line : Files.readAllLines(alternatesFile(gitDir), StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    // null alternates: a lender's own alternates are read from its file
                    lenders.add(new ObjectDirectory(repo.getConfig(), objects.resolve(l).normalize().toFile(), null,
                            FS.DETECTED, null));
                }
            }
            Set<ObjectId> tips = new HashSet<>();
            for (Ref r : repo.getRefDatabase().getRefs()) {
                if (r.getObjectId() != null) {
                    tips.add(r.getObjectId());
                }
            }
            ObjectDirectory odb = repo.getObjectDatabase();
            List<Pack> before = new ArrayList<>(odb.getPacks());
            String written = null;
            if (!tips.isEmpty()) {
                PackConfig config = new PackConfig(repo);
                config.setReuseDeltas(false); // a reused delta may lean on a borrowed base the pack leaves out
                ByteArrayOutputStream pack = new ByteArrayOutputStream();
                try (PackWriter pw = new PackWriter(config, repo.newObjectReader())) {
                    pw.excludeObjects(id -> lent(lenders, id));
                    pw.preparePack(NullProgressMonitor.INSTANCE, tips, PackWriter.NONE);
                    if (pw.getObjectCount() > 0) {
                        pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, pack);
                        written = "pack-" + pw.computeName().name() + ".pack";
                    }
                }
                if (pack.size() > 0) {
                    try (ObjectInserter ins = repo.newObjectInserter()) {
                        PackParser parser = ins.newPackParser(new ByteArrayInputStream(pack.toByteArray()));
                        parser.setAllowThin(false);
                        parser.parse(NullProgressMonitor.INSTANCE);
                        ins.flush();
                    }
                }
            }
            odb.close(); // rescan: the new pack is found, the old ones are let go before they are deleted
            String newPack = written;
            List<Pack> fresh = new ArrayList<>(odb.getPacks());
            fresh.removeIf(p -> !p.getPackFile().getName().equals(newPack));
            if (newPack != null && fresh.isEmpty()) {
                throw new IOException("the repacked objects of " + gitDir + " are not where they were written");
            }
            for (Pack old : before) {
                // the new pack may carry an old one's name (same objects): that file stays
                if (old.shouldBeKept() || old.getPackFile().getName().equals(newPack)) {
                    continue;
                }
                String base = old.getPackFile().getName().replaceAll("\\.pack$", "");
                for (String ext : new String[] {".pack", ".idx", ".bitmap", ".rev", ".promisor"}) {
                    Files.deleteIfExists(old.getPackFile().toPath().resolveSibling(base + ext));
                }
            }
            pruneLoose(gitDir.resolve("objects"), fresh, lenders);
            odb.close();
        } finally {
            lenders.forEach(ObjectDirectory::close);
        }
    }

    /** Removes loose objects the new pack or a lender holds; any other loose object stays for JGit's own rules. */
    private static void pruneLoose(Path objects, List<Pack> fresh, List<ObjectDirectory> lenders) throws IOException {
        try (Stream<Path> fanOut = Files.list(objects)) {
            for (Path dir : fanOut.filter(p -> p.getFileName().toString().matches("[0-9a-f]{2}")).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        String name = dir.getFileName().toString() + f.getFileName();
                        if (!ObjectId.isId(name)) {
                            continue;
                        }
                        ObjectId id = ObjectId.fromString(name);
                        if (inPacks(fresh, id) || lent(lenders, id)) {
                            try {
                                Files.delete(f);
                            } catch (NoSuchFileException e) {
                                // gone already
                            }
                        }
                    }
                }
                try (Stream<Path> left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.deleteIfExists(dir);
                    }
                }
            }
        }
    }

    private static boolean inPacks(List<Pack> packs, AnyObjectId id) throws IOException {
        for (Pack p : packs) {
            if (p.hasObject(id)) {
                return true;
            }
        }
        return false;
    }

    private static boolean lent(List<ObjectDirectory> lenders, AnyObjectId id) {
        for (ObjectDirectory l : lenders) {
            if (l.has(id)) {
                return true;
            }
        }
        return false;
    }

    private static Path alternatesFile(Path gitDir) {
        return gitDir.resolve("objects").resolve("info").resolve("alternates");
    }
}
