// Preloaded into the Next server the launcher spawns: if the launcher dies without a
// chance to stop it (kill -9), the server stops too instead of holding the port.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
}, 1000).unref();
