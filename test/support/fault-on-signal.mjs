// Preloaded into the real bin (`node --import`): on SIGUSR2 it throws, or leaves a promise rejected
// unhandled (FAULT=rejection), outside any handler, as a bug in the server would.
process.on("SIGUSR2", () => {
  const error = new Error("fault injected by the test");
  if (process.env.FAULT === "rejection") void Promise.reject(error);
  else throw error;
});
