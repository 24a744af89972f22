import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate` writes a new migration after a change to schema.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
