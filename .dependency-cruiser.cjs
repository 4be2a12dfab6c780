// The dependency direction of ARCHITECTURE.md, checked on every `npm run lint`:
//   http/jobs/bots → domain → db, kv;  channels know their platform, never the domain;
//   the outbox worker → channels;  only src/server.ts composes everything.
// Type-only imports are allowed where a layer names another's types (e.g. an entity column typed
// with a domain vocabulary), since they vanish at run time.
const notTypeOnly = { dependencyTypesNot: ["type-only"] };

module.exports = {
  forbidden: [
    {
      name: "domain-stays-pure",
      comment: "Domain code speaks of people and hazards: no HTTP, no platform SDKs, no schedulers, no bots.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "(^src/(http|channels/[^/]+|outbox|web)/|^src/channels/registry|^bots/|^jobs/|node_modules/(koa|@koa|axios|node-cron|fast-xml-parser)/)" },
    },
    {
      name: "channels-know-no-domain",
      comment: "Channel adapters turn bytes into InboundEvents and OutboundMessages into calls, nothing more.",
      severity: "error",
      from: { path: "^src/channels/" },
      to: { path: "(^src/(domain|http|outbox|web)/|^bots/|^jobs/)", ...notTypeOnly },
    },
    {
      name: "bots-speak-through-domain",
      comment: "Bots never know the platform: they hand OutboundMessages to the outbox and ask the registry for capabilities.",
      severity: "error",
      from: { path: "^bots/" },
      to: { path: "(^src/channels/[^/]+/|^src/(http|outbox)/|node_modules/(koa|@koa|axios)/)" },
    },
    {
      name: "channel-folders-stay-private",
      comment:
        "A messenger is its folder plus a line in src/channels/registry.ts: everyone else asks the registry (capabilities, limits, " +
        "senders, routes) or speaks channel.ts/module.ts. Only the composition root (services.ts, server.ts), the CLIs, the local " +
        "fakes (src/dev) and the console page (src/web/console*, the console channel's own screen) may open a channel's folder.",
      severity: "error",
      from: { pathNot: "^(src/channels/|src/(services|server)\\.ts$|src/cli/|src/dev/|src/web/console)" },
      to: { path: "^src/channels/[^/]+/" },
    },
    {
      name: "channels-keep-to-themselves",
      comment: "One channel's folder never reaches into another's; what they share lives in src/channels/*.ts.",
      severity: "error",
      from: { path: "^src/channels/([^/]+)/" },
      to: { path: "^src/channels/[^/]+/", pathNot: "^src/channels/$1/" },
    },
    {
      name: "jobs-are-thin",
      comment: "A job calls one domain function; queries belong to the domain.",
      severity: "error",
      from: { path: "^jobs/" },
      to: { path: "(^src/(db|http|channels)/|node_modules/typeorm/)", ...notTypeOnly },
    },
    {
      name: "db-below-domain",
      comment: "Entities and the data source never reach up into the layers that use them.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: "(^src/(domain|http|channels|outbox|web)/|^bots/|^jobs/)", ...notTypeOnly },
    },
    {
      name: "only-server-composes",
      comment: "Concrete adapters are wired together in src/services.ts, src/server.ts and the CLIs, not imported by features.",
      severity: "error",
      from: { path: "^src/(domain|http|web|outbox)/|^bots/" },
      to: { path: "^src/(server|services|cli/)" },
    },
    {
      name: "no-test-code-in-product",
      severity: "error",
      from: { path: "^(src|bots|jobs|migrations)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true, ...notTypeOnly },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    exclude: { path: "^dist/" },
  },
};
