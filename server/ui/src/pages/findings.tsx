import { PageHeader } from '../components/page-header.js';
import { TabList } from '../components/tabs.js';
import { useSearchParams } from '../router.js';
import { FindingsByCve } from './findings/by-cve.js';
import { FindingsByPackage } from './findings/by-package.js';
import { FindingsByPriority } from './findings/by-priority.js';

const TABS = [
  { id: 'priority', label: 'By priority' },
  { id: 'cve', label: 'By CVE' },
  { id: 'package', label: 'By package' },
] as const;

/** Vulnerability findings three ways: ranked by risk, grouped by CVE, and the patch catalog by package. */
export function FindingsPage() {
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t.id === params.get('tab'))?.id ?? 'priority';
  return (
    <>
      <PageHeader title="Findings" sub="Risk score parts: CVSS, EPSS (probability of exploitation), CISA KEV, device criticality and exposure." />
      <TabList tabs={TABS} selected={tab} label="Findings views" onSelect={(id) => setParams({ tab: id === 'priority' ? null : id, offset: null, cve: null, name: null })} />
      <section class="panel tab-panel">
        {tab === 'priority' ? <FindingsByPriority /> : tab === 'cve' ? <FindingsByCve /> : <FindingsByPackage />}
      </section>
    </>
  );
}
