export default function Page() {
  return <p>pipeline</p>;
}
