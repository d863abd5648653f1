import type { AnchorHTMLAttributes, TargetedMouseEvent } from 'preact';
import { navigate } from '../router.js';

type Props = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An <a> that navigates inside the app on a plain left click and behaves as a link otherwise. */
export function Link({ href, onClick, ...rest }: Props) {
  const click = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (typeof onClick === 'function') onClick(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={click} />;
}
