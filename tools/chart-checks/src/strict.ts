// Finds fields a schema does not know. The kubernetes-models validators (ajv, compiled) ignore
// unknown properties, so a misspelt `readinesProbe` passes them. Ajv's compiled code reads every
// property its schema declares (`data.spec !== undefined`) and enumerates the keys of map-like
// objects (`for (const key in data)`), so validating through a Proxy that records those reads tells,
// for each object, which of its keys the schema knows: any other key is unknown.
// An object whose validator read nothing has a free-form schema (e.g. HelmRelease values) and is
// accepted as it is. Only meaningful after a validation that passed: ajv stops at the first error.

interface Access {
  target: object;
  path: string;
  read: Set<string>;
  enumerated: boolean;
}

/** A JSON-pointer-like path ("/spec/template/spec/containers/0/readinesProbe") per unknown field. */
export function unknownFields(data: unknown, validate: (proxy: unknown) => void): string[] {
  const accesses: Access[] = [];

  function watch(value: unknown, path: string): unknown {
    if (value === null || typeof value !== 'object') return value;
    const access: Access = { target: value, path, read: new Set(), enumerated: false };
    accesses.push(access);
    const children = new Map<string, unknown>();
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key !== 'string') return Reflect.get(target, key, receiver);
        access.read.add(key);
        if (!Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
        if (!children.has(key)) children.set(key, watch((target as Record<string, unknown>)[key], `${path}/${escape(key)}`));
        return children.get(key);
      },
      has(target, key) {
        if (typeof key === 'string') access.read.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === 'string') access.read.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        access.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  }

  validate(watch(data, ''));

  const unknown: string[] = [];
  for (const access of accesses) {
    if (Array.isArray(access.target) || access.enumerated || access.read.size === 0) continue;
    for (const key of Object.keys(access.target)) {
      if (!access.read.has(key)) unknown.push(`${access.path}/${escape(key)}`);
    }
  }
  return unknown.sort();
}

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
