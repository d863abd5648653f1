import { Link } from '../components/link.js';
import { PageHeader } from '../components/page-header.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no console page at this address. Go to the <Link href="/">dashboard</Link> or the <Link href="/devices">device list</Link>.
      </p>
    </>
  );
}
