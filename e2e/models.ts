/** Models the journeys start from, uploaded through the server's API. */

/** A shape's box on the diagram. */
export const box = (x: number, y: number, width = 120, height = 70) => ({ x, y, width, height });

/**
 * A small shop on the infrastructure template: Customer -> Web server -> Orders database
 * (flows "Orders" and "Queries"), ids user, web, db, f-req, f-db, on one diagram "Context".
 */
export function shopModel(name: string) {
  return {
    schemaVersion: 1,
    metadata: { name },
    template: { id: 'infrastructure' },
    diagrams: [
      {
        id: 'main',
        name: 'Context',
        elements: [
          { kind: 'externalEntity', id: 'user', typeId: 'GE.EI', name: 'Customer', position: box(40, 120) },
          { kind: 'process', id: 'web', typeId: 'GE.P', name: 'Web server', position: box(320, 110, 100, 100) },
          { kind: 'dataStore', id: 'db', typeId: 'GE.DS', name: 'Orders database', position: box(600, 120) },
          { kind: 'dataFlow', id: 'f-req', typeId: 'GE.DF', name: 'Orders', source: 'user', target: 'web' },
          { kind: 'dataFlow', id: 'f-db', typeId: 'GE.DF', name: 'Queries', source: 'web', target: 'db' },
        ],
      },
    ],
  };
}

/** Uploads a model (a Bulwark JSON document) through the API; returns its id. */
export async function uploadModel(url: string, model: unknown): Promise<string> {
  const response = await fetch(new URL('api/models', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(model),
  });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}
