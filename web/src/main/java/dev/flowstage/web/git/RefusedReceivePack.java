package dev.flowstage.web.git;

import java.util.Collection;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.AdvertiseRefsHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A ReceivePack that refuses the push with a message git prints ("fatal: remote error: ...").
 * Over smart HTTP a plain 403 reaches the user as a bare status code, while an {@code ERR} line in
 * the ref advertisement (sent with 200) is shown as the text itself.
 */
final class RefusedReceivePack {
    private RefusedReceivePack() {}

    static ReceivePack create(Repository repository, String message) {
        ReceivePack rp = new ReceivePack(repository);
        rp.setAdvertiseRefsHook(new AdvertiseRefsHook() {
            @Override
            public void advertiseRefs(UploadPack uploadPack) throws ServiceMayNotContinueException {
                throw new ServiceMayNotContinueException(message);
            }

            @Override
            public void advertiseRefs(ReceivePack receivePack) throws ServiceMayNotContinueException {
                throw new ServiceMayNotContinueException(message);
            }
        });
        // A client that posts commands without reading the advertisement is refused here
        rp.setPreReceiveHook((pack, commands) -> rejectAll(commands, message));
        rp.setAllowCreates(false);
        rp.setAllowDeletes(false);
        rp.setAllowNonFastForwards(false);
        return rp;
    }

    private static void rejectAll(Collection<ReceiveCommand> commands, String message) {
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, message);
            }
        }
    }
}
