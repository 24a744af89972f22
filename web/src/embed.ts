/**
 * The embeddable elements for someone else's page: `<rc-phone>` (once per
 * page) and `<rc-call-button>` (next to each conversation). See web/README.md.
 */
import './components/rc-call-button/rc-call-button';
import './components/rc-phone/rc-phone';
export { RcCallButton } from './components/rc-call-button/rc-call-button';
export { RcPhone } from './components/rc-phone/rc-phone';
