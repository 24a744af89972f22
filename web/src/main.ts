/** The softphone page: everything is in <rc-app>. */
import './components/rc-app/rc-app';
