// The process embedded-postgres-process.ts starts: PGlite and its socket server, nothing else.
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const dataDir = process.env.EMBEDDED_POSTGRES_DATA_DIR;
try {
  const embedded = await startEmbeddedPostgres(dataDir ? { dataDir } : {});
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Closing PGlite writes its data folder out; then the process ends.
    await embedded.stop().catch(() => {});
    process.exit(0);
  };
  process.on('message', (message: { stop?: boolean }) => {
    if (message?.stop) void stop();
  });
  // The app's process ended without asking: do not outlive it.
  process.on('disconnect', () => void stop());
  process.send!({ url: embedded.url });
} catch (err) {
  process.send!({ error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
