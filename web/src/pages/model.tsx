export function ModelPage({ id }: { id: string }) {
  return <h1>Model {id}</h1>;
}
