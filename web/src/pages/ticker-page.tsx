export default function Page() {
  return <p>ticker</p>;
}
