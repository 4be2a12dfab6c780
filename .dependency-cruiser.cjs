// The dependency direction of ARCHITECTURE.md, checked on every `npm run lint`:
//   http/jobs/bots → domain → db, kv;  channels know their platform, never the domain;
//   the outbox worker → channels;  src/features/<area>.ts ties an area's domain, routes, flows and jobs
//   together above all of them;  only src/services.ts, src/server.ts and the CLIs compose everything.
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
      name: "bots-read-through-domain",
      comment: "Flows and the engine speak only to domain services: no tables, no query builder (ARCHITECTURE: bots → domain → db).",
      severity: "error",
      from: { path: "^bots/" },
      to: { path: "(^src/db/|node_modules/typeorm/)", pathNot: "^src/db/entities/" },
    },
    {
      name: "bots-name-entities-only-as-types",
      comment: "A flow may name an entity's type (Person, Hazard) the domain hands it, never load or save one.",
      severity: "error",
      from: { path: "^bots/" },
      to: { path: "^src/db/entities/", ...notTypeOnly },
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
      from: { path: "^src/(domain|http|web|outbox|features)/|^bots/|^jobs/" },
      to: { path: "^src/(server|services|cli/)" },
    },
    {
      name: "features-on-top",
      comment: "A feature file ties its area's domain, routes, flows and jobs together; only the composition root (src/services.ts, the CLIs) reads the features list, so no layer below may reach up into it.",
      severity: "error",
      from: { path: "(^src/(domain|db|kv|media|channels|http|web|outbox)/|^bots/|^jobs/|^migrations/)" },
      to: { path: "^src/features/" },
    },
    {
      name: "features-meet-through-needs",
      comment: "src/features/<area>.ts builds only its own area's domain (src/domain/<area>/); another area's services come through the feature it `needs`, so every dependency between features is declared where it is built.",
      severity: "error",
      from: { path: "^src/features/([^/.]+)[.]ts$", pathNot: "^src/features/(feature|compose|index)[.]ts$" },
      to: { path: "^src/domain/", pathNot: "^src/domain/$1/" },
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
